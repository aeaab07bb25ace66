import { describe, expect, it } from 'vitest';
import { checkpoint, record, redo, replacePresent, startHistory, undo, canUndo, canRedo, historyLimit } from '../../editor/src/graph/history.js';
import { computeLayout, layoutGraph, layoutInput, needsLayout, nodeHeight } from '../../editor/src/graph/layout.js';
import { diffGraphs, isEmptyDiff, mappingForPublish, prefillMapping } from '../../editor/src/graph/diff.js';
import { normaliseDraft } from '../../editor/src/graph/operations.js';
import { winBackJourney, complaintHandlingJourney } from '../../workflows/examples/index.js';

describe('history', () => {
  it('undoes and redoes, and a new change clears redo', () => {
    let h = startHistory('a');
    h = record(h, 'b');
    h = record(h, 'c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = redo(h);
    expect(h.present).toBe('c');
    h = undo(undo(h));
    expect(h.present).toBe('a');
    expect(canUndo(h)).toBe(false);
    h = record(h, 'x');
    expect(canRedo(h)).toBe(false);
    expect(undo(startHistory('z'))).toEqual(startHistory('z'));
  });

  it('makes one undo step of a drag (checkpoint, then silent replaces)', () => {
    let h = record(startHistory(0), 1);
    h = checkpoint(h);
    h = replacePresent(h, 2);
    h = replacePresent(h, 3);
    expect(undo(h).present).toBe(1);
  });

  it('keeps at most the limit of undo steps', () => {
    let h = startHistory(0);
    for (let i = 1; i <= historyLimit + 20; i += 1) h = record(h, i);
    expect(h.past).toHaveLength(historyLimit);
  });
});

describe('layout', () => {
  it('sizes nodes by their outcomes and orders edges by outcome', () => {
    const graph = normaliseDraft(complaintHandlingJourney);
    const input = layoutInput(graph);
    const cluster = input.nodes.find((n) => n.id === 'cluster-switch');
    expect(cluster?.height).toBe(nodeHeight(3));
    expect(input.edges.length).toBe(graph.edges.length);
  });

  it('lays out left to right: every edge goes rightwards', () => {
    const graph = normaliseDraft(winBackJourney);
    const positions = computeLayout(layoutInput(graph));
    expect(positions.size).toBe(graph.nodes.length);
    for (const edge of graph.edges) {
      expect((positions.get(edge.target)?.x ?? 0) > (positions.get(edge.source)?.x ?? 0)).toBe(true);
    }
  });
});

describe('layout on open', () => {
  it('lays out journeys whose nodes would overlap, and leaves a laid-out one alone', () => {
    const stacked = normaliseDraft({ id: 'j', name: 'J', nodes: [{ id: 'a', kind: 'exit', params: {} }, { id: 'b', kind: 'exit', params: {} }], edges: [] });
    expect(needsLayout(stacked)).toBe(true);
    const laid = layoutGraph(normaliseDraft(winBackJourney));
    expect(needsLayout(laid)).toBe(false);
    expect(needsLayout(normaliseDraft({ id: 'j', name: 'J', nodes: [], edges: [] }))).toBe(false);
  });
});

describe('version diff', () => {
  it('is empty for the same graph and reports moves separately', () => {
    const graph = normaliseDraft(winBackJourney);
    expect(isEmptyDiff(diffGraphs(graph, graph))).toBe(true);
    const moved = { ...graph, nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, position: { x: 999, y: 999 } } : n)) };
    const diff = diffGraphs(graph, moved);
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff.moved).toBe(1);
  });

  it('does not count the key order of stored JSON as a change (PostgreSQL jsonb reorders keys)', () => {
    const graph = normaliseDraft(winBackJourney);
    const reorder = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reorder) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorder(v)])) : value;
    const stored = reorder(graph) as typeof graph;
    expect(JSON.stringify(stored.nodes[0]?.params)).not.toBe(JSON.stringify(graph.nodes[0]?.params));
    expect(isEmptyDiff(diffGraphs(stored, graph))).toBe(true);
    expect(diffGraphs(stored, graph).moved).toBe(0);
    // A real change inside a rule still shows.
    const changed = { ...graph, nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, params: { ...n.params, rule: { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'win_back' } } } : n)) };
    expect(diffGraphs(stored, changed).changed.map((c) => c.id)).toEqual([graph.nodes[0]?.id]);
  });

  it('lists added, removed and changed nodes with the params that changed', () => {
    const before = normaliseDraft(winBackJourney);
    const [first, second, ...rest] = before.nodes;
    if (!first || !second) throw new Error('example too small');
    const after = {
      ...before,
      name: 'Win-back v2',
      nodes: [first, { ...second, params: { ...second.params, extra: 1 } }, ...rest.slice(1), { id: 'new-one', kind: 'exit' as const, params: {}, position: { x: 0, y: 0 } }],
      edges: before.edges.slice(1),
      settings: { ...before.settings, timeZone: { use: 'customer' as const, fallback: 'Asia/Tokyo' } },
    };
    const diff = diffGraphs(before, after);
    expect(diff.added.map((n) => n.id)).toEqual(['new-one']);
    expect(diff.removed.map((n) => n.id)).toEqual([rest[0]?.id]);
    expect(diff.changed).toEqual([expect.objectContaining({ id: second.id, changes: [{ path: 'extra', before: undefined, after: 1 }] })]);
    expect(diff.settings).toEqual([{ path: 'timeZone.fallback', before: before.settings.timeZone.fallback, after: 'Asia/Tokyo' }]);
    expect(diff.renamed).toEqual({ before: before.name, after: 'Win-back v2' });
    expect(diff.edgesRemoved).toHaveLength(1);
    expect(diff.edgesAdded).toEqual([]);
  });
});

describe('migration mapping', () => {
  it('prefills same-id targets, skips triggers, and leaves unmapped nodes out of the request', () => {
    const live = { nodes: [{ id: 't', kind: 'trigger_event' as const, params: {} }, { id: 'wait', kind: 'wait_delay' as const, params: {} }, { id: 'old', kind: 'wait_delay' as const, params: {} }] };
    const draft = { nodes: [{ id: 't', kind: 'trigger_event' as const, params: {} }, { id: 'wait', kind: 'wait_delay' as const, params: {} }] };
    const mapping = prefillMapping(live, draft);
    expect(mapping).toEqual({ wait: 'wait', old: '' });
    expect(mappingForPublish(mapping)).toEqual({ wait: 'wait' });
  });
});
