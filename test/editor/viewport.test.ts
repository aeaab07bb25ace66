import { describe, expect, it } from 'vitest';
import { graphBounds, initialViewport, readableZoom } from '../../editor/src/graph/viewport.js';
import { layoutGraph, nodeHeight, nodeWidth } from '../../editor/src/graph/layout.js';
import { journeyGraphSchema, type JourneyGraph } from '../../workflows/index.js';
import { winBackJourney } from '../../workflows/examples/index.js';
import { largeJourney } from '../bench/editor-journey.js';

const canvas = { width: 680, height: 740 };
const graph = (nodes: { id: string; kind?: string; x: number; y: number }[]): JourneyGraph =>
  journeyGraphSchema.parse({ id: 'j', name: 'J', nodes: nodes.map((n) => ({ id: n.id, kind: n.kind ?? 'exit', params: {}, position: { x: n.x, y: n.y } })), edges: [] });

describe('the first view of a journey', () => {
  it('keeps the default view for an empty journey', () => {
    expect(graphBounds(graph([]))).toBeNull();
    expect(initialViewport(graph([]), canvas)).toBeNull();
  });

  it('measures steps with the sizes the canvas gives them', () => {
    expect(graphBounds(graph([{ id: 'a', x: -100, y: 50 }, { id: 'b', x: 400, y: 300 }]))).toEqual({ x: -100, y: 50, width: 500 + nodeWidth, height: 250 + nodeHeight(0) });
  });

  it('centres a journey that fits legibly, at most at 100 %', () => {
    const small = graph([{ id: 'a', x: 1000, y: 2000 }]);
    const view = initialViewport(small, canvas);
    expect(view?.zoom).toBe(1);
    // The step's centre is the canvas's centre.
    expect((view?.x ?? 0) + (1000 + nodeWidth / 2) * (view?.zoom ?? 0)).toBeCloseTo(canvas.width / 2);
    expect((view?.y ?? 0) + (2000 + nodeHeight(0) / 2) * (view?.zoom ?? 0)).toBeCloseTo(canvas.height / 2);
  });

  it('starts a large journey at readable zoom at its first trigger, wherever the layout put it', () => {
    const large = layoutGraph(journeyGraphSchema.parse(largeJourney(150)));
    const view = initialViewport(large, canvas);
    expect(view?.zoom).toBeGreaterThanOrEqual(readableZoom);
    const trigger = large.nodes.find((n) => n.kind === 'trigger_event');
    if (!view || !trigger) throw new Error('no view');
    // The trigger is on screen: left edge in the padding, vertically in the middle.
    const left = view.x + trigger.position.x * view.zoom;
    const middle = view.y + (trigger.position.y + nodeHeight(1) / 2) * view.zoom;
    expect(left).toBeGreaterThanOrEqual(0);
    expect(left).toBeLessThan(100);
    expect(middle).toBeCloseTo(canvas.height / 2, 0);
  });

  it('shows all of the win-back example on a wide screen, and its start on a narrow one', () => {
    const winBack = layoutGraph(journeyGraphSchema.parse(winBackJourney));
    const bounds = graphBounds(winBack);
    const wide = { width: 2600, height: 900 };
    const view = initialViewport(winBack, wide);
    if (!view || !bounds) throw new Error('no view');
    expect(view.zoom).toBeGreaterThanOrEqual(readableZoom);
    expect(view.zoom).toBeLessThan(1);
    expect(view.x + bounds.x * view.zoom).toBeGreaterThanOrEqual(0);
    expect(view.x + (bounds.x + bounds.width) * view.zoom).toBeLessThanOrEqual(wide.width);
    const narrow = initialViewport(winBack, canvas);
    expect(narrow?.zoom).toBe(readableZoom);
    expect((narrow?.x ?? 0) + bounds.x * readableZoom).toBe(48);
  });
});
