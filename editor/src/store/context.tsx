import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { EditorActions, EditorState, EditorStore } from './editor-store.js';

/** The open journey's store, provided by the editor screen. */
export const EditorStoreContext = createContext<EditorStore | null>(null);

export const useEditorStoreApi = (): EditorStore => {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditor must be used inside <EditorStoreContext.Provider>');
  return store;
};

/** Subscribes to a slice of the editor state; re-renders only when that slice changes. */
export const useEditor = <T,>(selector: (state: EditorState & EditorActions) => T): T => useStore(useEditorStoreApi(), selector);
