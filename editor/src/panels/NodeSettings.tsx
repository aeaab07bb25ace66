import { useMemo, type ReactElement } from 'react';
import { nodeKindDefinition, type Finding } from '../../../workflows/index.js';
import { checkParams } from '../graph/outcomes.js';
import { ParamsFields, unclaimedIssues } from '../forms/ParamsForm.js';
import { useEditor } from '../store/context.js';
import { nodeUiRegistry } from '../nodes/registry.js';
import { Icon } from '../nodes/icons.js';

const none: readonly Finding[] = [];

/** The right-hand settings of the selected node: label, the kind's form, and what is wrong with it. */
export const NodeSettings = ({ nodeId }: { nodeId: string }): ReactElement | null => {
  const node = useEditor((s) => s.history.present.nodes.find((n) => n.id === nodeId));
  const findings = useEditor((s) => s.findingsBy.nodes.get(nodeId) ?? none);
  const updateParams = useEditor((s) => s.updateParams);
  const updateLabel = useEditor((s) => s.updateLabel);
  const deleteElements = useEditor((s) => s.deleteElements);
  const check = useMemo(() => (node ? checkParams(node.kind, node.params) : null), [node]);
  if (!node || !check) return null;
  const definition = nodeKindDefinition(node.kind);
  const ui = nodeUiRegistry[node.kind];
  // Schema issues come from the kind's zod schema as the user types; the validator adds the rest (templates, connections).
  const issues = [...check.issues, ...findings.filter((f) => f.code !== 'invalid_params' && f.path && f.path.length > 0).map((f) => ({ path: f.path ?? [], message: f.message }))];
  const general = [...unclaimedIssues(ui.form, check.issues), ...findings.filter((f) => f.code !== 'invalid_params' && (!f.path || f.path.length === 0 || !ui.form.some((spec) => String(f.path?.[0]) === spec.path[0])))];
  const messages = [...new Set(general.map((g) => g.message))];
  const idPrefix = `settings-${node.id}`;
  return (
    <div className="panel-body" data-testid="node-settings">
      <div className={`panel-kind category-${definition.category}`}>
        <span className="node-icon">
          <Icon name={ui.icon} size={16} />
        </span>
        <div>
          <h2>{definition.label}</h2>
          <p className="muted">{definition.description}</p>
        </div>
      </div>
      {messages.length > 0 ? (
        <ul className="callout callout-error" data-testid="node-problems">
          {messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      <div className="field" data-testid="field-node-label">
        <label className="field-label" htmlFor={`${idPrefix}-label`}>
          Name on the canvas (optional)
        </label>
        <input id={`${idPrefix}-label`} className="input" value={node.label ?? ''} placeholder={definition.label} onChange={(e) => updateLabel(node.id, e.target.value)} />
      </div>
      <ParamsFields fields={ui.form} params={node.params} onParams={(params) => updateParams(node.id, params)} issues={issues} idPrefix={idPrefix} />
      <div className="panel-footer">
        <span className="muted small">
          Step id <code>{node.id}</code>
        </span>
        <button type="button" className="btn btn-danger-ghost btn-small" onClick={() => deleteElements([node.id], [])} data-testid="delete-node">
          <Icon name="trash" size={14} /> Delete step
        </button>
      </div>
    </div>
  );
};
