import { createStore } from 'zustand/vanilla';

/**
 * What the analyst screens paint on the canvas nodes (what-if counts), kept apart from the
 * editor store: one journey is open at a time, and the editor's own state stays untouched.
 */
export interface NodeOverlay {
  entered: number;
  waiting: number;
  exited: number;
  /** Entered, candidate − baseline (null when not compared). */
  delta: number | null;
}

export interface OverlayState {
  overlay: Record<string, NodeOverlay> | null;
}

export const overlayStore = createStore<OverlayState>(() => ({ overlay: null }));
export const setOverlay = (overlay: Record<string, NodeOverlay> | null): void => overlayStore.setState({ overlay });
