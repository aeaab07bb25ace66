import { memo, useMemo, type ReactElement } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { nodeKindDefinition, type JourneyEdge, type NodeKind } from '../../../workflows/index.js';
import { nodeOutcomes, nodeSummary } from '../graph/outcomes.js';
import { useEditor } from '../store/context.js';
import { Icon, type IconName } from './icons.js';
import { NodeOverlayBadge } from '../analyst/NodeOverlay.js';
import type { FieldSpec } from '../forms/spec.js';
import type { FlowNode, NodeUi } from './node-ui.js';

/** Outcomes this node's edges use, as one string (a primitive, so unrelated edge edits do not re-render the node). */
const usedOutcomes = (edges: readonly JourneyEdge[], nodeId: string): string => {
  let key = '';
  for (const e of edges) if (e.source === nodeId) key += `${e.outcome}\u0000`;
  return key;
};

const NodeBadges = ({ id }: { id: string }): ReactElement | null => {
  const problems = useEditor((s) => {
    const list = s.findingsBy.nodes.get(id);
    if (!list || list.length === 0) return '';
    const errors = list.filter((f) => f.severity === 'error');
    return `${errors.length}\u0000${list.length - errors.length}\u0000${(errors[0] ?? list[0])?.message ?? ''}`;
  });
  if (problems === '') return null;
  const [errors = '0', warnings = '0', message = ''] = problems.split('\u0000');
  const isError = errors !== '0';
  return (
    <span className={`node-badge ${isError ? 'node-badge-error' : 'node-badge-warning'}`} title={message} data-testid={`node-badge-${id}`}>
      <Icon name={isError ? 'error' : 'warning'} size={13} />
      {isError ? errors : warnings}
    </span>
  );
};

const LiveCounts = ({ id }: { id: string }): ReactElement | null => {
  const counts = useEditor((s) => (s.mode === 'live' && s.live ? `${s.live[id]?.waiting ?? 0}\u0000${s.live[id]?.entered ?? 0}` : ''));
  if (counts === '') return null;
  const [waiting = '0', entered = '0'] = counts.split('\u0000');
  return (
    <div className="node-live" data-testid={`live-${id}`}>
      <span title="customers waiting here now" data-testid={`live-waiting-${id}`}>
        <strong>{Number(waiting).toLocaleString()}</strong> waiting
      </span>
      <span title="times customers passed through this step" data-testid={`live-entered-${id}`}>
        <strong>{Number(entered).toLocaleString()}</strong> entered
      </span>
    </div>
  );
};

interface BaseNodeProps extends NodeProps<FlowNode> {
  kind: NodeKind;
  icon: IconName;
}

const BaseNodeView = ({ id, data, selected, kind, icon }: BaseNodeProps): ReactElement => {
  const node = data.node;
  const definition = nodeKindDefinition(kind);
  const used = useEditor((s) => usedOutcomes(s.history.present.edges, id));
  const highlighted = useEditor((s) => s.highlight?.nodes.has(id) ?? false);
  const dimmed = useEditor((s) => s.highlight !== null && !s.highlight.nodes.has(id));
  const summary = useMemo(() => nodeSummary(node), [node]);
  const outcomes = useMemo(() => {
    const edges = used.split('\u0000').filter((o) => o !== '').map((outcome, i) => ({ id: `u${i}`, source: id, outcome, target: '' }));
    return nodeOutcomes(node, edges);
  }, [node, used, id]);
  const single = outcomes.length === 1 && outcomes[0]?.label === '' && !outcomes[0].stale;
  const classes = ['journey-node', `category-${definition.category}`, selected ? 'is-selected' : '', highlighted ? 'is-highlighted' : '', dimmed ? 'is-dimmed' : '', summary.valid ? '' : 'is-invalid'];

  return (
    <div className={classes.filter(Boolean).join(' ')} data-testid={`node-${id}`} data-kind={kind}>
      {definition.category !== 'trigger' ? <Handle type="target" position={Position.Left} id="in" className="handle handle-in" data-testid={`handle-${id}-in`} /> : null}
      <div className="node-head">
        <span className="node-icon">
          <Icon name={icon} size={15} />
        </span>
        <span className="node-kind">{definition.label}</span>
        <NodeBadges id={id} />
      </div>
      {node.label ? <div className="node-label">{node.label}</div> : null}
      <div className={`node-summary ${summary.valid ? '' : 'node-summary-invalid'}`} title={summary.text}>
        {summary.text}
      </div>
      {single && outcomes[0] ? (
        <Handle type="source" position={Position.Right} id={outcomes[0].outcome} className="handle handle-out" data-testid={`handle-${id}-${outcomes[0].outcome}`} />
      ) : outcomes.length > 0 ? (
        <div className="node-outcomes">
          {outcomes.map((o) => (
            <div key={o.outcome} className={`node-outcome ${o.stale ? 'is-stale' : ''}`}>
              <span>{o.label || o.outcome}</span>
              <Handle type="source" position={Position.Right} id={o.outcome} className="handle handle-out" data-testid={`handle-${id}-${o.outcome}`} />
            </div>
          ))}
        </div>
      ) : (
        <div className="node-end">Ends the run</div>
      )}
      <LiveCounts id={id} />
      <NodeOverlayBadge id={id} />
    </div>
  );
};

/** Defines a kind's editor UI: a memoised canvas component (shared base), its icon and its settings form. */
export const defineNodeUi = (kind: NodeKind, icon: IconName, form: readonly FieldSpec[]): NodeUi => {
  const component = memo((props: NodeProps<FlowNode>) => <BaseNodeView {...props} kind={kind} icon={icon} />);
  component.displayName = `Node(${kind})`;
  return { kind, icon, form, component };
};
