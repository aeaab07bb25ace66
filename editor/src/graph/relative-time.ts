/**
 * Times in test mode: "+0", "+30m", "+2h", "+2d", "+1w", "+1d 2h", or "+1d2h30m", relative to the
 * start of the test; an ISO date-time ("2025-03-01T09:00") is taken as is (UTC without an offset).
 */
const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof unitMs;

export type RelativeTime = { ok: true; offsetMs: number } | { ok: true; absolute: number } | { ok: false; message: string };

export const parseRelativeTime = (text: string): RelativeTime => {
  const input = text.trim();
  if (input === '' || input === '+0' || input === '0' || input === 'now') return { ok: true, offsetMs: 0 };
  if (input.startsWith('+')) {
    const body = input.slice(1).replace(/\s+/g, '');
    if (!/^(\d+(\.\d+)?[mhdw])+$/.test(body)) {
      return { ok: false, message: `"${input}" is not a time; write e.g. +0, +30m, +2h, +2d, +1w or +1d 2h` };
    }
    let offsetMs = 0;
    for (const [, amount, unit] of body.matchAll(/(\d+(?:\.\d+)?)([mhdw])/g)) offsetMs += Number(amount) * unitMs[unit as Unit];
    return { ok: true, offsetMs: Math.round(offsetMs) };
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(input)) {
    const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(input) || input.length === 10 ? input : `${input}Z`;
    const at = Date.parse(iso);
    if (Number.isFinite(at)) return { ok: true, absolute: at };
  }
  return { ok: false, message: `"${input}" is not a time; write e.g. +0, +30m, +2h, +2d, +1w, or a date like 2025-03-01T09:00` };
};

/** Epoch ms for a parsed time, given the test's start. */
export const resolveTime = (time: RelativeTime, start: number): number | null =>
  !time.ok ? null : 'absolute' in time ? time.absolute : start + time.offsetMs;

/** "+2d 3h" for a non-negative offset (for showing step times in test results). */
export const formatOffset = (ms: number): string => {
  if (ms <= 0) return '+0';
  const parts: string[] = [];
  let rest = Math.round(ms / 60_000);
  for (const [unit, size] of [['d', 1440], ['h', 60], ['m', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.length === 0 ? '+0' : `+${parts.join(' ')}`;
};
