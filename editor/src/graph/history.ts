/** An undo/redo history of immutable values (the journey graph). Pure. */
export interface History<T> {
  past: readonly T[];
  present: T;
  future: readonly T[];
}

export const historyLimit = 100;

export const startHistory = <T>(present: T): History<T> => ({ past: [], present, future: [] });

/** Records `next` as a new state (clears redo). Recording the same value is a no-op. */
export const record = <T>(history: History<T>, next: T): History<T> =>
  next === history.present ? history : { past: [...history.past, history.present].slice(-historyLimit), present: next, future: [] };

/** Replaces the present without a history entry (e.g. while a node is being dragged). */
export const replacePresent = <T>(history: History<T>, next: T): History<T> => (next === history.present ? history : { ...history, present: next });

/** Marks the present as an undo point while leaving it current (drag start: one undo step per drag). */
export const checkpoint = <T>(history: History<T>): History<T> => ({ past: [...history.past, history.present].slice(-historyLimit), present: history.present, future: [] });

export const undo = <T>(history: History<T>): History<T> => {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
};

export const redo = <T>(history: History<T>): History<T> => {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
};

export const canUndo = <T>(history: History<T>): boolean => history.past.length > 0;
export const canRedo = <T>(history: History<T>): boolean => history.future.length > 0;
