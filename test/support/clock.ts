/** A clock tests can move. */
export const createTestClock = (start = Date.UTC(2026, 0, 5, 9, 0, 0)) => {
  let current = start;
  return {
    now: (): number => current,
    set: (at: number): void => void (current = at),
    advance: (ms: number): number => (current += ms),
  };
};
export type TestClock = ReturnType<typeof createTestClock>;
