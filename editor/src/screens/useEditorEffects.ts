import { useEffect } from 'react';
import { useReactFlow } from '@xyflow/react';
import { validateJourney, type WorkspaceContext } from '../../../workflows/index.js';
import { errorMessage } from '../api/client.js';
import { saveDraft } from '../api/journeys.js';
import type { EditorStore } from '../store/editor-store.js';

export const validateDelayMs = 250;
export const saveDelayMs = 800;

/** Runs the validator (debounced) whenever the graph changes, against what the workspace has (null: not loaded, nothing checked). */
export const useLiveValidation = (store: EditorStore, context: WorkspaceContext | null): void => {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      const graph = store.getState().history.present;
      if (store.getState().validated === graph) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const current = store.getState().history.present;
        store.getState().setFindings(current, validateJourney(current, context ?? {}).findings);
      }, validateDelayMs);
    };
    // First check without waiting, so the badges are there when the canvas appears.
    const graph = store.getState().history.present;
    store.getState().setFindings(graph, validateJourney(graph, context ?? {}).findings);
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.history.present !== previous.history.present) check();
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store, context]);
};

/** Saves the draft (PUT) a moment after the last change; one save at a time, the latest graph wins. */
export const useAutosave = (store: EditorStore, enabled: boolean): void => {
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const save = async () => {
      if (inFlight) return;
      const graph = store.getState().history.present;
      if (graph === store.getState().saved) {
        store.getState().setSave({ state: 'saved' });
        return;
      }
      inFlight = true;
      store.getState().setSave({ state: 'saving' });
      try {
        await saveDraft(graph);
        store.getState().setSave({ state: 'saved' }, graph);
      } catch (error) {
        store.getState().setSave({ state: 'failed', message: errorMessage(error) });
      } finally {
        inFlight = false;
      }
      // Changes made while saving are saved next.
      if (store.getState().history.present !== store.getState().saved && store.getState().save.state !== 'failed') schedule();
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void save(), saveDelayMs);
    };
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.history.present === previous.history.present) return;
      if (state.history.present !== state.saved) {
        if (state.save.state !== 'saving') store.getState().setSave({ state: 'pending' });
        schedule();
      }
    });
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (store.getState().history.present !== store.getState().saved) event.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      unsubscribe();
      window.removeEventListener('beforeunload', beforeUnload);
      clearTimeout(timer);
      // Leaving the editor: save what is left.
      if (store.getState().history.present !== store.getState().saved) void save();
    };
  }, [store, enabled]);
};

const typing = (target: EventTarget | null): boolean => {
  const element = target as HTMLElement | null;
  if (!element) return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName);
};

/** Undo/redo, copy/paste, select all and "?" — not while typing in a field. */
export const useShortcuts = (store: EditorStore, editable: boolean, openHelp: () => void): void => {
  const flow = useReactFlow();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typing(event.target) || document.querySelector('dialog[open]')) return;
      const mod = event.metaKey || event.ctrlKey;
      const key = event.key.toLowerCase();
      const state = store.getState();
      if (!mod && event.key === '?') {
        event.preventDefault();
        openHelp();
        return;
      }
      if (event.key === 'Escape') {
        state.select([], []);
        return;
      }
      if (!mod) return;
      if (key === 'z' && editable) {
        event.preventDefault();
        if (event.shiftKey) state.redo();
        else state.undo();
      } else if (key === 'y' && editable) {
        event.preventDefault();
        state.redo();
      } else if (key === 'c') {
        if (window.getSelection()?.toString()) return;
        state.copy();
      } else if (key === 'v' && editable) {
        event.preventDefault();
        state.paste();
      } else if (key === 'a') {
        event.preventDefault();
        state.select(state.history.present.nodes.map((n) => n.id), state.history.present.edges.map((e) => e.id));
      } else if (key === '0') {
        event.preventDefault();
        void flow.fitView({ padding: 0.2, duration: 300 });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, editable, openHelp, flow]);
};
