import { createStore } from 'zustand/vanilla';

/**
 * The admin key: asked for once, kept in localStorage, sent as `Authorization: Bearer`. A 401 from
 * any call clears it and tells the sign-in form why.
 */
const storageKey = 'rapport.adminKey';

export interface SessionState {
  key: string | null;
  /** Why the user was signed out (shown on the sign-in form). */
  reason: string | null;
}

const initialKey = (): string | null => {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(storageKey);
  } catch {
    return null;
  }
};

export const sessionStore = createStore<SessionState>(() => ({ key: initialKey(), reason: null }));

export const readKey = (): string | null => sessionStore.getState().key;

export const saveKey = (key: string): void => {
  try {
    localStorage.setItem(storageKey, key);
  } catch {
    // private mode: the key lives for this tab only
  }
  sessionStore.setState({ key, reason: null });
};

export const clearKey = (reason: string | null = null): void => {
  try {
    localStorage.removeItem(storageKey);
  } catch {
    // ignore
  }
  sessionStore.setState({ key: null, reason });
};
