import dagre from '@dagrejs/dagre';
import type { JourneyGraph } from '../../../workflows/index.js';
import { nodeOutcomes } from './outcomes.js';
import type { Point } from './operations.js';

/** Canvas geometry shared by the node component and the layout. */
export const nodeWidth = 264;
export const nodeBaseHeight = 92;
export const outcomeRowHeight = 22;

export const nodeHeight = (outcomeCount: number): number => nodeBaseHeight + Math.max(0, outcomeCount - 1) * outcomeRowHeight;

export interface LayoutInput {
  nodes: { id: string; width: number; height: number }[];
  /** In outcome order per source, so branches keep their order top to bottom. */
  edges: { source: string; target: string }[];
}

/** What the layout engine needs: node sizes (from their outcome count) and the edges. */
export const layoutInput = (graph: JourneyGraph): LayoutInput => {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges: LayoutInput['edges'] = [];
  const nodes = graph.nodes.map((node) => {
    const outcomes = nodeOutcomes(node, graph.edges);
    for (const { outcome } of outcomes) {
      const edge = graph.edges.find((e) => e.source === node.id && e.outcome === outcome);
      if (edge && ids.has(edge.target)) edges.push({ source: edge.source, target: edge.target });
    }
    return { id: node.id, width: nodeWidth, height: nodeHeight(outcomes.length) };
  });
  return { nodes, edges };
};

/** Left-to-right layered layout (dagre); returns top-left positions by node id. */
export const computeLayout = (input: LayoutInput): Map<string, Point> => {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 96, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of input.nodes) g.setNode(node.id, { width: node.width, height: node.height });
  input.edges.forEach((edge, i) => g.setEdge(edge.source, edge.target, {}, `e${i}`));
  dagre.layout(g);
  const positions = new Map<string, Point>();
  for (const node of input.nodes) {
    const laid = g.node(node.id) as { x: number; y: number } | undefined;
    if (laid) positions.set(node.id, { x: Math.round(laid.x - node.width / 2), y: Math.round(laid.y - node.height / 2) });
  }
  return positions;
};

/**
 * Whether stored positions would make nodes overlap on this canvas (journeys written by hand or by
 * another tool, or every node at 0,0): the editor then lays the journey out when it opens it.
 */
export const needsLayout = (graph: JourneyGraph): boolean => {
  const boxes = layoutInput(graph).nodes.map((n) => {
    const node = graph.nodes.find((x) => x.id === n.id);
    return { x: node?.position.x ?? 0, y: node?.position.y ?? 0, width: n.width, height: n.height };
  });
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const a = boxes[i];
      const b = boxes[j];
      if (a && b && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) return true;
    }
  }
  return false;
};

/** The graph with every node placed by `computeLayout`. */
export const layoutGraph = (graph: JourneyGraph): JourneyGraph => {
  const positions = computeLayout(layoutInput(graph));
  return { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })) };
};
