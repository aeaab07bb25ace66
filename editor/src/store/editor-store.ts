import { createStore } from 'zustand/vanilla';
import type { CustomerProfile, Finding, JourneyGraph, JourneySettings, JsonValue, NodeKind } from '../../../workflows/index.js';
import { canRedo, canUndo, checkpoint, record, redo, replacePresent, startHistory, undo, type History } from '../graph/history.js';
import { computeLayout, layoutInput } from '../graph/layout.js';
import {
  addNode,
  connect,
  copySelection,
  deleteElements,
  dropEdgesFromOutcomes,
  moveNodes,
  pasteClipboard,
  updateNode,
  type Clipboard,
  type Connection,
  type Point,
} from '../graph/operations.js';
import { checkParams, nodeOutcomes } from '../graph/outcomes.js';

/**
 * The editor's state for one open journey: the graph with its undo history, the selection, the
 * latest validation findings, the save status, and what test and live modes paint on the canvas.
 * Made by a factory so every open journey (and every test) gets its own store.
 */

/** `runs`, `report` and `whatif` are the analyst screens (editor/src/analyst). */
export type EditorMode = 'edit' | 'test' | 'live' | 'runs' | 'report' | 'whatif';
export type SaveStatus = { state: 'saved' } | { state: 'pending' } | { state: 'saving' } | { state: 'failed'; message: string };

export interface FindingsByElement {
  nodes: Map<string, Finding[]>;
  edges: Map<string, Finding[]>;
}

export interface Highlight {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

export type LiveCounts = Record<string, { entered: number; waiting: number }>;

export interface EditorState {
  history: History<JourneyGraph>;
  selectedNodes: readonly string[];
  selectedEdges: readonly string[];
  findings: readonly Finding[];
  findingsBy: FindingsByElement;
  /** The graph the findings were computed for (validation is debounced). */
  validated: JourneyGraph | null;
  save: SaveStatus;
  /** The last graph the server accepted. */
  saved: JourneyGraph;
  mode: EditorMode;
  highlight: Highlight | null;
  live: LiveCounts | null;
  /** A one-line message for the canvas (e.g. why a connection was refused). */
  notice: string | null;
  /** Bumped to ask the canvas to centre a node. */
  focus: { nodeId: string; seq: number } | null;
  clipboard: Clipboard | null;
  lastEdit: { key: string; at: number } | null;
  /** The sample customer and event properties template previews render with (editable in the panel). */
  sample: { customer: CustomerProfile; properties: Record<string, JsonValue> };
}

export interface EditorActions {
  addNode(kind: NodeKind, position: Point): string;
  connect(connection: Connection): boolean;
  deleteSelection(): void;
  deleteElements(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  select(nodeIds: readonly string[], edgeIds?: readonly string[]): void;
  beginDrag(): void;
  moveNodes(positions: ReadonlyMap<string, Point>): void;
  updateParams(nodeId: string, params: Record<string, unknown>): void;
  updateLabel(nodeId: string, label: string): void;
  updateSettings(settings: JourneySettings): void;
  rename(name: string): void;
  replaceGraph(graph: JourneyGraph): void;
  undo(): void;
  redo(): void;
  copy(): void;
  paste(): void;
  autoLayout(): void;
  setFindings(graph: JourneyGraph, findings: readonly Finding[]): void;
  setSave(status: SaveStatus, saved?: JourneyGraph): void;
  setMode(mode: EditorMode): void;
  setHighlight(highlight: Highlight | null): void;
  setLive(live: LiveCounts | null): void;
  setNotice(notice: string | null): void;
  focusNode(nodeId: string): void;
  setSample(sample: EditorState['sample']): void;
}

export type EditorStore = ReturnType<typeof createEditorStore>;

/** Typing into one field within this many ms is one undo step. */
const coalesceMs = 1000;

const groupFindings = (findings: readonly Finding[]): FindingsByElement => {
  const by: FindingsByElement = { nodes: new Map(), edges: new Map() };
  for (const finding of findings) {
    if (finding.edgeId) by.edges.set(finding.edgeId, [...(by.edges.get(finding.edgeId) ?? []), finding]);
    else if (finding.nodeId) by.nodes.set(finding.nodeId, [...(by.nodes.get(finding.nodeId) ?? []), finding]);
  }
  return by;
};

export const createEditorStore = (graph: JourneyGraph, now: () => number = () => Date.now()) =>
  createStore<EditorState & EditorActions>()((set, get) => {
    const commit = (next: JourneyGraph, editKey: string | null = null): void => {
      const state = get();
      const at = now();
      const coalesce = editKey !== null && state.lastEdit?.key === editKey && at - state.lastEdit.at < coalesceMs;
      set({ history: coalesce ? replacePresent(state.history, next) : record(state.history, next), lastEdit: editKey ? { key: editKey, at } : null });
    };
    const present = () => get().history.present;
    /** Keeps the selection to elements that still exist (after undo, delete, restore). */
    const pruneSelection = (): void => {
      const g = present();
      const nodes = new Set(g.nodes.map((n) => n.id));
      const edges = new Set(g.edges.map((e) => e.id));
      const { selectedNodes, selectedEdges } = get();
      if (selectedNodes.every((id) => nodes.has(id)) && selectedEdges.every((id) => edges.has(id))) return;
      set({ selectedNodes: selectedNodes.filter((id) => nodes.has(id)), selectedEdges: selectedEdges.filter((id) => edges.has(id)) });
    };

    return {
      history: startHistory(graph),
      selectedNodes: [],
      selectedEdges: [],
      findings: [],
      findingsBy: { nodes: new Map(), edges: new Map() },
      validated: null,
      save: { state: 'saved' },
      saved: graph,
      mode: 'edit',
      highlight: null,
      live: null,
      notice: null,
      focus: null,
      clipboard: null,
      lastEdit: null,
      sample: {
        customer: { id: 'ada', traits: { first_name: 'Ada', email: 'ada@example.com', plan: 'pro' }, stage: 'retain_develop', cluster: 'star', tags: ['newsletter'], timezone: 'Europe/Berlin', consent: {} },
        properties: { title: 'CRM basics', total: 120, order_id: 'A-1001' },
      },

      addNode: (kind, position) => {
        const result = addNode(present(), kind, position);
        commit(result.graph);
        set({ selectedNodes: [result.nodeId], selectedEdges: [] });
        return result.nodeId;
      },
      connect: (connection) => {
        const result = connect(present(), connection);
        if (!result.ok) {
          set({ notice: `Not connected: ${result.reason}.` });
          return false;
        }
        commit(result.graph);
        set({ notice: null });
        return true;
      },
      deleteSelection: () => get().deleteElements(get().selectedNodes, get().selectedEdges),
      deleteElements: (nodeIds, edgeIds) => {
        const next = deleteElements(present(), nodeIds, edgeIds);
        if (next === present()) return;
        commit(next);
        pruneSelection();
      },
      select: (nodeIds, edgeIds = []) => {
        const { selectedNodes, selectedEdges } = get();
        const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);
        if (same(selectedNodes, nodeIds) && same(selectedEdges, edgeIds)) return;
        set({ selectedNodes: [...nodeIds], selectedEdges: [...edgeIds] });
      },
      beginDrag: () => set({ history: checkpoint(get().history), lastEdit: null }),
      moveNodes: (positions) => set({ history: replacePresent(get().history, moveNodes(present(), positions)) }),
      updateParams: (nodeId, params) => {
        let next = updateNode(present(), nodeId, { params });
        const node = next.nodes.find((n) => n.id === nodeId);
        // Branches removed from a split or switch take their edges with them.
        // Only once the params are valid, so edges survive while a branch key is half typed.
        if (node && checkParams(node.kind, node.params).ok) next = dropEdgesFromOutcomes(next, nodeId, nodeOutcomes(node, []).map((h) => h.outcome));
        commit(next, `params:${nodeId}`);
      },
      updateLabel: (nodeId, label) => commit(updateNode(present(), nodeId, { label }), `label:${nodeId}`),
      updateSettings: (settings) => commit({ ...present(), settings }, 'settings'),
      rename: (name) => commit({ ...present(), name }, 'name'),
      replaceGraph: (next) => {
        commit(next);
        pruneSelection();
      },
      undo: () => {
        set({ history: undo(get().history), lastEdit: null });
        pruneSelection();
      },
      redo: () => {
        set({ history: redo(get().history), lastEdit: null });
        pruneSelection();
      },
      copy: () => {
        const { selectedNodes } = get();
        if (selectedNodes.length === 0) return;
        set({ clipboard: copySelection(present(), selectedNodes), notice: `Copied ${selectedNodes.length} step${selectedNodes.length === 1 ? '' : 's'}.` });
      },
      paste: () => {
        const { clipboard } = get();
        if (!clipboard || clipboard.nodes.length === 0) return;
        const result = pasteClipboard(present(), clipboard, { x: 48, y: 48 });
        commit(result.graph);
        // The next paste lands further along, not on top of this one.
        set({ selectedNodes: result.nodeIds, selectedEdges: [], clipboard: { ...clipboard, nodes: clipboard.nodes.map((n) => ({ ...n, position: { x: n.position.x + 48, y: n.position.y + 48 } })) } });
      },
      autoLayout: () => commit(moveNodes(present(), computeLayout(layoutInput(present())))),
      setFindings: (validated, findings) => set({ validated, findings, findingsBy: groupFindings(findings) }),
      setSave: (save, saved) => set(saved ? { save, saved } : { save }),
      setMode: (mode) => set({ mode, highlight: mode === 'test' || mode === 'runs' ? get().highlight : null, live: mode === 'live' ? get().live : null }),
      setHighlight: (highlight) => set({ highlight }),
      setLive: (live) => set({ live }),
      setNotice: (notice) => set({ notice }),
      setSample: (sample) => set({ sample }),
      focusNode: (nodeId) => set({ selectedNodes: [nodeId], selectedEdges: [], focus: { nodeId, seq: (get().focus?.seq ?? 0) + 1 } }),
    };
  });

export const selectGraph = (s: EditorState): JourneyGraph => s.history.present;
export const selectCanUndo = (s: EditorState): boolean => canUndo(s.history);
export const selectCanRedo = (s: EditorState): boolean => canRedo(s.history);
