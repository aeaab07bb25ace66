import { describe, expect, it } from 'vitest';
import { validateJourney, type JourneyGraph } from '../../workflows/index.js';
import { addNode, connect, copySelection, deleteElements, dropEdgesFromOutcomes, emptyJourney, moveNodes, normaliseDraft, pasteClipboard, updateNode } from '../../editor/src/graph/operations.js';
import { uniqueId } from '../../editor/src/graph/ids.js';
import { checkParams, nodeOutcomes, nodeSummary } from '../../editor/src/graph/outcomes.js';
import { defaultParams } from '../../editor/src/graph/defaults.js';
import { nodeKinds } from '../../workflows/index.js';

const base = (): JourneyGraph => {
  let graph = emptyJourney('test', 'Test');
  graph = addNode(graph, 'trigger_event', { x: 0, y: 0 }).graph;
  graph = addNode(graph, 'send_email', { x: 300, y: 0 }).graph;
  graph = addNode(graph, 'exit', { x: 600, y: 0 }).graph;
  return graph;
};

describe('ids', () => {
  it('makes readable unique ids', () => {
    expect(uniqueId('send_email', new Set())).toBe('send-email');
    expect(uniqueId('send_email', new Set(['send-email', 'send-email-2']))).toBe('send-email-3');
    expect(uniqueId('!!!', new Set())).toBe('node');
  });
});

describe('addNode', () => {
  it('adds a node with its starting params and a unique id', () => {
    const graph = base();
    expect(graph.nodes.map((n) => n.id)).toEqual(['trigger-event', 'send-email', 'exit']);
    const { graph: next, nodeId } = addNode(graph, 'send_email', { x: 10.4, y: 20.6 });
    expect(nodeId).toBe('send-email-2');
    expect(next.nodes.at(-1)).toEqual({ id: 'send-email-2', kind: 'send_email', params: { subject: '', body: '' }, position: { x: 10, y: 21 } });
    expect(graph.nodes).toHaveLength(3);
  });

  it('has starting params for every kind that at least give the kind its outcomes', () => {
    for (const kind of nodeKinds) {
      const node = { id: 'n', kind, params: defaultParams[kind]() };
      expect(() => nodeOutcomes(node, [])).not.toThrow();
    }
  });
});

describe('connect', () => {
  it('connects an outcome and replaces an earlier edge from the same outcome', () => {
    let graph = base();
    const first = connect(graph, { source: 'trigger-event', outcome: 'next', target: 'send-email' });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    graph = first.graph;
    const second = connect(graph, { source: 'trigger-event', outcome: 'next', target: 'exit' });
    if (!second.ok) throw new Error(second.reason);
    expect(second.graph.edges).toEqual([{ id: first.edgeId, source: 'trigger-event', outcome: 'next', target: 'exit' }]);
  });

  it('refuses edges into a trigger and onto the same node', () => {
    const graph = base();
    expect(connect(graph, { source: 'send-email', outcome: 'next', target: 'trigger-event' })).toMatchObject({ ok: false });
    expect(connect(graph, { source: 'send-email', outcome: 'next', target: 'send-email' })).toMatchObject({ ok: false });
    expect(connect(graph, { source: 'nope', outcome: 'next', target: 'exit' })).toMatchObject({ ok: false });
  });

  it('builds a journey the validator accepts', () => {
    let graph = base();
    graph = updateNode(graph, 'trigger-event', { params: { event: 'Signed Up' } });
    graph = updateNode(graph, 'send-email', { params: { subject: 'Hi', body: 'Welcome {{ customer.traits.first_name }}' } });
    for (const c of [{ source: 'trigger-event', outcome: 'next', target: 'send-email' }, { source: 'send-email', outcome: 'next', target: 'exit' }]) {
      const r = connect(graph, c);
      if (!r.ok) throw new Error(r.reason);
      graph = r.graph;
    }
    const errors = validateJourney(graph).findings.filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });
});

describe('delete, move, update', () => {
  const connected = () => {
    let graph = base();
    for (const c of [{ source: 'trigger-event', outcome: 'next', target: 'send-email' }, { source: 'send-email', outcome: 'next', target: 'exit' }]) {
      const r = connect(graph, c);
      if (r.ok) graph = r.graph;
    }
    return graph;
  };

  it('deletes nodes with every edge that touches them', () => {
    const graph = deleteElements(connected(), ['send-email']);
    expect(graph.nodes.map((n) => n.id)).toEqual(['trigger-event', 'exit']);
    expect(graph.edges).toEqual([]);
  });

  it('deletes single edges and is a no-op with nothing selected', () => {
    const graph = connected();
    const edge = graph.edges[0]?.id as string;
    expect(deleteElements(graph, [], [edge]).edges).toHaveLength(1);
    expect(deleteElements(graph, [], [])).toBe(graph);
  });

  it('moves only the nodes given and keeps the identity of the others', () => {
    const graph = connected();
    const moved = moveNodes(graph, new Map([['exit', { x: 1, y: 2 }]]));
    expect(moved.nodes[2]?.position).toEqual({ x: 1, y: 2 });
    expect(moved.nodes[0]).toBe(graph.nodes[0]);
    expect(moveNodes(graph, new Map([['exit', { x: 600, y: 0 }]]))).toBe(graph);
  });

  it('sets and clears labels', () => {
    const labelled = updateNode(base(), 'exit', { label: 'Bye' });
    expect(labelled.nodes[2]?.label).toBe('Bye');
    expect(updateNode(labelled, 'exit', { label: '  ' }).nodes[2]).not.toHaveProperty('label');
  });

  it('drops edges from outcomes a node no longer has', () => {
    const graph = connected();
    expect(dropEdgesFromOutcomes(graph, 'send-email', ['next'])).toBe(graph);
    expect(dropEdgesFromOutcomes(graph, 'send-email', []).edges).toHaveLength(1);
  });
});

describe('copy and paste', () => {
  it('pastes with new ids, edges re-pointed to the copies, shifted', () => {
    let graph = base();
    const r = connect(graph, { source: 'send-email', outcome: 'next', target: 'exit' });
    if (r.ok) graph = r.graph;
    const clipboard = copySelection(graph, ['send-email', 'exit']);
    expect(clipboard.edges).toHaveLength(1);
    const pasted = pasteClipboard(graph, clipboard, { x: 40, y: 40 });
    expect(pasted.nodeIds).toEqual(['send-email-2', 'exit-2']);
    const copy = pasted.graph.nodes.find((n) => n.id === 'send-email-2');
    expect(copy?.position).toEqual({ x: 340, y: 40 });
    expect(pasted.graph.edges.at(-1)).toMatchObject({ source: 'send-email-2', target: 'exit-2', outcome: 'next' });
    const ids = [...pasted.graph.nodes.map((n) => n.id), ...pasted.graph.edges.map((e) => e.id)];
    expect(new Set(ids).size).toBe(ids.length);
    // pasting twice still gives fresh ids, and the copy's params are not shared
    const again = pasteClipboard(pasted.graph, clipboard, { x: 80, y: 80 });
    expect(again.nodeIds).toEqual(['send-email-3', 'exit-3']);
    expect(copy?.params).not.toBe(graph.nodes[1]?.params);
  });

  it('leaves out edges to nodes that were not copied', () => {
    let graph = base();
    const r = connect(graph, { source: 'send-email', outcome: 'next', target: 'exit' });
    if (r.ok) graph = r.graph;
    expect(copySelection(graph, ['send-email']).edges).toEqual([]);
  });
});

describe('params, summaries and outcome handles', () => {
  it('summarises valid params and says what is missing otherwise', () => {
    expect(nodeSummary({ kind: 'wait_delay', params: { duration: { amount: 3, unit: 'days' } } })).toEqual({ text: 'Wait 3 days', valid: true });
    const missing = nodeSummary({ kind: 'send_email', params: { subject: '', body: '' } });
    expect(missing.valid).toBe(false);
    expect(missing.text).toContain('write a subject');
  });

  it('reports issues with their path', () => {
    const check = checkParams('wait_delay', { duration: { amount: 1.5, unit: 'days' } });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.issues[0]?.path).toEqual(['duration', 'amount']);
  });

  it('labels split branches with weights, clusters by name, and marks removed outcomes', () => {
    const split = { id: 's', kind: 'split_random' as const, params: { branches: [{ key: 'variant_a', weight: 45 }, { key: 'control', weight: 55, holdout: true }] } };
    expect(nodeOutcomes(split, []).map((h) => h.label)).toEqual(['Variant a · 45%', 'Control · 55% (holdout)']);
    const cluster = { id: 'c', kind: 'switch_cluster' as const, params: { clusters: ['star'] } };
    expect(nodeOutcomes(cluster, [{ id: 'e', source: 'c', outcome: 'dog', target: 'x' }])).toEqual([
      { outcome: 'star', label: 'Star', stale: false },
      { outcome: 'default', label: 'Default', stale: false },
      { outcome: 'dog', label: 'Dog (removed)', stale: true },
    ]);
    expect(nodeOutcomes({ id: 'w', kind: 'wait_for_event', params: {} }, []).map((h) => h.outcome)).toEqual(['received', 'timed_out']);
    expect(nodeOutcomes({ id: 'x', kind: 'exit', params: {} }, [])).toEqual([]);
  });

  it('normalises a stored draft (defaults applied)', () => {
    const graph = normaliseDraft({ id: 'j', name: 'J', nodes: [{ id: 'a', kind: 'exit', params: {} }], edges: [] });
    expect(graph.settings.entry).toEqual({ mode: 'once' });
    expect(graph.nodes[0]?.position).toEqual({ x: 0, y: 0 });
  });
});
