import type { ReactElement } from 'react';
import { nodeKindDefinition } from '../../../workflows/index.js';
import { useEditor } from '../store/context.js';
import { Icon } from '../nodes/icons.js';

/** Every error and warning of the draft; a click selects and centres the step it is about. */
export const FindingsList = (): ReactElement => {
  const findings = useEditor((s) => s.findings);
  const validated = useEditor((s) => s.validated !== null);
  const edges = useEditor((s) => s.history.present.edges);
  const nodes = useEditor((s) => s.history.present.nodes);
  const focusNode = useEditor((s) => s.focusNode);
  const select = useEditor((s) => s.select);
  if (!validated) return <p className="muted">Checking the journey…</p>;
  if (findings.length === 0) {
    return (
      <p className="callout callout-ok" data-testid="findings-list">
        <Icon name="check" size={14} /> No problems: this journey can be published.
      </p>
    );
  }
  const sorted = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return (
    <ul className="findings" data-testid="findings-list">
      {sorted.map((f, i) => {
        const edge = f.edgeId ? edges.find((e) => e.id === f.edgeId) : undefined;
        const target = f.nodeId ?? edge?.source;
        // The step as the canvas shows it (its name, else its kind), then its id.
        const node = target ? nodes.find((n) => n.id === target) : undefined;
        const where = node ? `${node.label || nodeKindDefinition(node.kind).label} (${node.id})` : target;
        return (
          <li key={i}>
            <button
              type="button"
              className={`finding finding-${f.severity}`}
              data-testid={`finding-${i}`}
              disabled={!target && !f.edgeId}
              onClick={() => {
                if (target) focusNode(target);
                if (f.edgeId) select(target ? [target] : [], [f.edgeId]);
              }}
            >
              <Icon name={f.severity === 'error' ? 'error' : 'warning'} size={14} />
              <span>
                {f.message}
                {where ? <span className="finding-where"> — {where}</span> : null}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
};
