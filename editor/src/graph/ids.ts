/** Ids the editor makes up: readable, unique within the journey, valid element ids (`[A-Za-z0-9_-]{1,64}`). */

/** "send_email" → "send-email". */
export const idBase = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48) || 'node';

/** `base`, or `base-2`, `base-3`, … — the first that is not taken. */
export const uniqueId = (base: string, taken: ReadonlySet<string>): string => {
  const clean = idBase(base);
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n += 1) {
    const candidate = `${clean}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
};
