import { nodeKindDefinition, type JourneyGraph } from '../../../workflows/index.js';
import { layoutInput } from './layout.js';

/** Where the canvas starts when a journey opens. Pure: from the stored positions and the canvas size. */

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Below this zoom step text is too small to read; the first view does not go below it. */
export const readableZoom = 0.6;
const pad = 48;

/** The box around every step, with the sizes the canvas gives them (steps need not be rendered yet). */
export const graphBounds = (graph: JourneyGraph): Box | null => {
  if (graph.nodes.length === 0) return null;
  const sizes = new Map(layoutInput(graph).nodes.map((n) => [n.id, n]));
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const node of graph.nodes) {
    const size = sizes.get(node.id);
    minX = Math.min(minX, node.position.x);
    minY = Math.min(minY, node.position.y);
    maxX = Math.max(maxX, node.position.x + (size?.width ?? 0));
    maxY = Math.max(maxY, node.position.y + (size?.height ?? 0));
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
};

/**
 * The whole journey when it fits legibly (centred, at most 100 %); otherwise readable zoom with
 * the first trigger (the leftmost) at the left edge, vertically centred on it — where a reader starts.
 * Null for an empty journey (it keeps the default view, so its first step does not pull the view around).
 */
export const initialViewport = (graph: JourneyGraph, canvas: { width: number; height: number }): Viewport | null => {
  const bounds = graphBounds(graph);
  if (!bounds) return null;
  const fit = Math.min((canvas.width - 2 * pad) / Math.max(bounds.width, 1), (canvas.height - 2 * pad) / Math.max(bounds.height, 1), 1);
  if (fit >= readableZoom) {
    return { x: canvas.width / 2 - (bounds.x + bounds.width / 2) * fit, y: canvas.height / 2 - (bounds.y + bounds.height / 2) * fit, zoom: fit };
  }
  const zoom = Math.max(readableZoom, Math.min(0.8, fit));
  const sizes = new Map(layoutInput(graph).nodes.map((n) => [n.id, n]));
  const triggers = graph.nodes.filter((n) => nodeKindDefinition(n.kind).category === 'trigger');
  const first = (triggers.length > 0 ? triggers : graph.nodes).reduce((a, b) => (b.position.x < a.position.x || (b.position.x === a.position.x && b.position.y < a.position.y) ? b : a));
  const centreY = bounds.height * zoom < canvas.height - 2 * pad ? bounds.y + bounds.height / 2 : first.position.y + (sizes.get(first.id)?.height ?? 0) / 2;
  return { x: pad - bounds.x * zoom, y: canvas.height / 2 - centreY * zoom, zoom };
};
