/** Display helpers for times and counts on the settings screens. Pure (the clock comes in as `now`). */

export const formatTime = (ms: number): string =>
  new Date(ms).toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export const formatDate = (ms: number): string => new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

const units: [number, string][] = [
  [365 * 86_400_000, 'year'],
  [30 * 86_400_000, 'month'],
  [7 * 86_400_000, 'week'],
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
];

/** "just now", "5 minutes ago", "in 3 hours". */
export const relativeTime = (ms: number, now: number): string => {
  const delta = ms - now;
  const size = Math.abs(delta);
  const unit = units.find(([length]) => size >= length);
  if (!unit) return 'just now';
  const amount = Math.floor(size / unit[0]);
  const text = `${amount} ${unit[1]}${amount === 1 ? '' : 's'}`;
  return delta < 0 ? `${text} ago` : `in ${text}`;
};

export const formatCount = (value: number): string => value.toLocaleString();

export const share = (part: number, total: number): string => (total === 0 ? '—' : `${Math.round((part / total) * 100)}%`);
