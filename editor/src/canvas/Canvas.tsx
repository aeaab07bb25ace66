import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type ReactElement } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { nodeKindDefinition, nodeKindSchema, type JourneyEdge, type JourneyNode } from '../../../workflows/index.js';
import { nodeTypes } from '../nodes/registry.js';
import type { FlowNode } from '../nodes/node-ui.js';
import { useEditor, useEditorStoreApi } from '../store/context.js';
import { nodeWidth } from '../graph/layout.js';
import { initialViewport } from '../graph/viewport.js';

export const paletteMime = 'application/x-rapport-node-kind';

const categoryColour: Record<string, string> = {
  trigger: '#12a27c',
  condition: '#c98a16',
  wait: '#3b7dd8',
  action: '#7c5cd6',
  flow: '#64748b',
};

interface CachedNode {
  source: JourneyNode;
  selected: boolean;
  flow: FlowNode;
}
interface CachedEdge {
  source: JourneyEdge;
  key: string;
  flow: Edge;
}

/**
 * The journey on a React Flow canvas. React Flow nodes are derived from the journey graph with a
 * cache keyed by the journey node's identity, so an edit re-creates only the nodes it touched.
 */
export const Canvas = ({ readOnly }: { readOnly: boolean }): ReactElement => {
  const store = useEditorStoreApi();
  const graphNodes = useEditor((s) => s.history.present.nodes);
  const graphEdges = useEditor((s) => s.history.present.edges);
  const selectedNodes = useEditor((s) => s.selectedNodes);
  const selectedEdges = useEditor((s) => s.selectedEdges);
  const highlight = useEditor((s) => s.highlight);
  const edgeFindings = useEditor((s) => s.findingsBy.edges);
  const focus = useEditor((s) => s.focus);
  const flow = useReactFlow<FlowNode>();
  const nodeCache = useRef(new Map<string, CachedNode>());
  const edgeCache = useRef(new Map<string, CachedEdge>());
  const measured = useRef(new Map<string, { width: number; height: number }>());
  // Bumped when React Flow measures nodes, so their objects carry `measured` (the minimap and fitView read it).
  const [measuredTick, setMeasuredTick] = useState(0);

  const nodes = useMemo(() => {
    const selected = new Set(selectedNodes);
    const next = new Map<string, CachedNode>();
    const list = graphNodes.map((node) => {
      const isSelected = selected.has(node.id);
      const cached = nodeCache.current.get(node.id);
      const size = measured.current.get(node.id);
      if (cached && cached.source === node && cached.selected === isSelected && cached.flow.measured?.width === size?.width && cached.flow.measured?.height === size?.height) {
        next.set(node.id, cached);
        return cached.flow;
      }
      const flowNode: FlowNode = { id: node.id, type: node.kind, position: node.position, data: { node }, selected: isSelected, ...(size ? { measured: size } : {}) };
      next.set(node.id, { source: node, selected: isSelected, flow: flowNode });
      return flowNode;
    });
    nodeCache.current = next;
    return list;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- measuredTick stands for the measured map
  }, [graphNodes, selectedNodes, measuredTick]);

  const edges = useMemo(() => {
    const selected = new Set(selectedEdges);
    const next = new Map<string, CachedEdge>();
    const list = graphEdges.map((edge) => {
      const problems = edgeFindings.get(edge.id);
      const onPath = highlight?.edges.has(edge.id) ?? false;
      const state = `${selected.has(edge.id)}|${problems?.[0]?.message ?? ''}|${onPath}|${highlight !== null}`;
      const cached = edgeCache.current.get(edge.id);
      if (cached && cached.source === edge && cached.key === state) {
        next.set(edge.id, cached);
        return cached.flow;
      }
      const classes = ['journey-edge', problems ? 'has-error' : '', onPath ? 'on-path' : '', highlight && !onPath ? 'is-dimmed' : ''].filter(Boolean).join(' ');
      const flowEdge: Edge = {
        id: edge.id,
        source: edge.source,
        sourceHandle: edge.outcome,
        target: edge.target,
        targetHandle: 'in',
        selected: selected.has(edge.id),
        className: classes,
        animated: onPath,
        ...(problems ? { label: '!', ariaLabel: problems[0]?.message ?? 'problem', data: { problem: problems[0]?.message } } : {}),
      };
      next.set(edge.id, { source: edge, key: state, flow: flowEdge });
      return flowEdge;
    });
    edgeCache.current = next;
    return list;
  }, [graphEdges, selectedEdges, edgeFindings, highlight]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const positions = new Map<string, { x: number; y: number }>();
      const state = store.getState();
      const selection = new Set(state.selectedNodes);
      let selectionChanged = false;
      let resized = false;
      for (const change of changes) {
        if (change.type === 'dimensions' && change.dimensions) {
          const before = measured.current.get(change.id);
          if (before?.width !== change.dimensions.width || before?.height !== change.dimensions.height) resized = true;
        }
        if (change.type === 'position' && change.position && !readOnly) positions.set(change.id, { x: Math.round(change.position.x), y: Math.round(change.position.y) });
        if (change.type === 'dimensions' && change.dimensions) measured.current.set(change.id, change.dimensions);
        if (change.type === 'select') {
          selectionChanged = true;
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        }
      }
      // Removals go through onDelete (one undo step for nodes and their edges).
      if (positions.size > 0) state.moveNodes(positions);
      if (selectionChanged) state.select([...selection], store.getState().selectedEdges);
      if (resized) setMeasuredTick((t) => t + 1);
    },
    [store, readOnly],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const state = store.getState();
      const selection = new Set(state.selectedEdges);
      let selectionChanged = false;
      for (const change of changes) {
        if (change.type !== 'select') continue;
        selectionChanged = true;
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      }
      if (selectionChanged) state.select(store.getState().selectedNodes, [...selection]);
    },
    [store],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (readOnly || !c.source || !c.target || !c.sourceHandle) return;
      store.getState().connect({ source: c.source, outcome: c.sourceHandle, target: c.target });
    },
    [store, readOnly],
  );
  const onDelete = useCallback(
    ({ nodes: n, edges: e }: { nodes: FlowNode[]; edges: Edge[] }) => {
      if (!readOnly) store.getState().deleteElements(n.map((x) => x.id), e.map((x) => x.id));
    },
    [store, readOnly],
  );
  const onNodeDragStart = useCallback(() => store.getState().beginDrag(), [store]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(paletteMime)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = nodeKindSchema.safeParse(event.dataTransfer.getData(paletteMime));
      if (!kind.success || readOnly) return;
      event.preventDefault();
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      store.getState().addNode(kind.data, { x: point.x - nodeWidth / 2, y: point.y - 30 });
    },
    [flow, store, readOnly],
  );

  // First view (see initialViewport): from the stored positions, so it does not wait for steps to
  // render — with many steps only those in view are rendered, and none may be at the default view.
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return;
    const { width, height } = container.current.getBoundingClientRect();
    const viewport = initialViewport(store.getState().history.present, { width, height });
    if (viewport) void flow.setViewport(viewport);
  }, [flow, store]);

  // Centre a node asked for by the findings list (or test results).
  useEffect(() => {
    if (!focus) return;
    const node = store.getState().history.present.nodes.find((n) => n.id === focus.nodeId);
    if (!node) return;
    const size = measured.current.get(node.id) ?? { width: nodeWidth, height: 100 };
    void flow.setCenter(node.position.x + size.width / 2, node.position.y + size.height / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 });
  }, [focus, flow, store]);

  return (
    <div className="canvas" ref={container} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        onNodeDragStart={onNodeDragStart}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        selectionKeyCode="Shift"
        minZoom={0.15}
        maxZoom={2}
        defaultEdgeOptions={{ type: 'smoothstep' }}
        proOptions={{ hideAttribution: true }}
        onlyRenderVisibleElements={graphNodes.length > 80}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cdd3dd" />
        <MiniMap pannable zoomable nodeColor={(n) => categoryColour[nodeKindDefinition((n as FlowNode).data.node.kind).category] ?? '#94a3b8'} nodeStrokeWidth={0} maskColor="rgba(240, 243, 247, 0.7)" ariaLabel="mini map" />
        <Controls showInteractive={false} position="bottom-left" />
      </ReactFlow>
    </div>
  );
};
