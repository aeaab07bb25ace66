import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../../editor/src/store/editor-store.js';
import { emptyJourney } from '../../editor/src/graph/operations.js';

describe('createEditorStore', () => {
  const setup = () => {
    let now = 0;
    const store = createEditorStore(emptyJourney('j', 'J'), () => now);
    return { store, s: () => store.getState(), tick: (ms: number) => (now += ms) };
  };

  it('adds, connects, deletes with edges, and undoes and redoes each as one step', () => {
    const { s } = setup();
    const trigger = s().addNode('trigger_event', { x: 0, y: 0 });
    const mail = s().addNode('send_email', { x: 300, y: 0 });
    expect(s().selectedNodes).toEqual([mail]);
    expect(s().connect({ source: trigger, outcome: 'next', target: mail })).toBe(true);
    expect(s().connect({ source: mail, outcome: 'next', target: trigger })).toBe(false);
    expect(s().notice).toMatch(/trigger/);
    s().select([mail]);
    s().deleteSelection();
    expect(s().history.present.nodes.map((n) => n.id)).toEqual([trigger]);
    expect(s().history.present.edges).toEqual([]);
    expect(s().selectedNodes).toEqual([]);
    s().undo();
    expect(s().history.present.edges).toHaveLength(1);
    s().undo();
    expect(s().history.present.edges).toHaveLength(0);
    s().redo();
    s().redo();
    expect(s().history.present.nodes).toHaveLength(1);
  });

  it('makes typing in one field one undo step, and a pause or another field a new one', () => {
    const { s, tick } = setup();
    const mail = s().addNode('send_email', { x: 0, y: 0 });
    for (const subject of ['H', 'He', 'Hel', 'Hello']) {
      tick(200);
      s().updateParams(mail, { subject, body: '' });
    }
    tick(200);
    s().updateLabel(mail, 'Welcome');
    tick(5000);
    s().updateParams(mail, { subject: 'Hello!', body: '' });
    s().undo();
    expect(s().history.present.nodes[0]?.params).toEqual({ subject: 'Hello', body: '' });
    s().undo();
    expect(s().history.present.nodes[0]?.label).toBeUndefined();
    s().undo();
    expect(s().history.present.nodes[0]?.params).toEqual({ subject: '', body: '' });
  });

  it('drops edges of branches removed from a split once its params are valid', () => {
    const { s } = setup();
    const split = s().addNode('split_random', { x: 0, y: 0 });
    const a = s().addNode('exit', { x: 300, y: 0 });
    const b = s().addNode('exit', { x: 300, y: 200 });
    s().connect({ source: split, outcome: 'variant_a', target: a });
    s().connect({ source: split, outcome: 'variant_b', target: b });
    s().updateParams(split, { branches: [{ key: 'variant_a', weight: 50 }, { key: 'Bad key', weight: 50 }] });
    expect(s().history.present.edges).toHaveLength(2);
    s().updateParams(split, { branches: [{ key: 'variant_a', weight: 50 }, { key: 'control', weight: 50 }] });
    expect(s().history.present.edges.map((e) => e.outcome)).toEqual(['variant_a']);
  });

  it('copies and pastes the selection with new ids, each paste further along', () => {
    const { s } = setup();
    const mail = s().addNode('send_email', { x: 0, y: 0 });
    s().select([mail]);
    s().copy();
    s().paste();
    s().paste();
    const nodes = s().history.present.nodes;
    expect(nodes.map((n) => n.id)).toEqual(['send-email', 'send-email-2', 'send-email-3']);
    expect(nodes.map((n) => n.position.x)).toEqual([0, 48, 96]);
    expect(s().selectedNodes).toEqual(['send-email-3']);
  });

  it('moves nodes during a drag without history entries, one undo for the drag', () => {
    const { s } = setup();
    const mail = s().addNode('send_email', { x: 0, y: 0 });
    s().beginDrag();
    s().moveNodes(new Map([[mail, { x: 10, y: 0 }]]));
    s().moveNodes(new Map([[mail, { x: 20, y: 0 }]]));
    s().undo();
    expect(s().history.present.nodes[0]?.position).toEqual({ x: 0, y: 0 });
  });
});
