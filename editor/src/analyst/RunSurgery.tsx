import { useState, type ReactElement } from 'react';
import { nodeKindDefinition, type JourneyNode } from '../../../workflows/index.js';
import { errorMessage } from '../api/client.js';
import { Icon } from '../nodes/icons.js';
import { runSurgery, type RunDetail, type SurgeryRequest } from './api.js';
import { formatDuration, timerLabel } from './explain.js';

/**
 * "Change this run" in the run inspector (POST /v1/runs/:id/surgery): cancel the run, move it to
 * another step of its version, or fire, reschedule or drop a pending timer. Every change needs a
 * reason; the server records it as a step of the run (with the key that did it) and in the audit log.
 */

/** `datetime-local` value (local time, minutes) of an instant, and back. */
const toLocalInput = (ms: number): string => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};
const fromLocalInput = (value: string): number => new Date(value).getTime();

const describe = (request: SurgeryRequest, nodeName: (id: string) => string, timer: (id: string) => string): string => {
  switch (request.action) {
    case 'cancel': return 'The run was cancelled';
    case 'move': return `The run was moved to ${nodeName(request.nodeId)}`;
    case 'fire_timer': return `${timer(request.timerId)} fired now`;
    case 'skip_timer': return `${timer(request.timerId)} dropped; the run keeps waiting for its event`;
    case 'reschedule_timer': return `${timer(request.timerId)} now comes ${new Date(request.dueAt).toLocaleString()}`;
  }
};

export const RunSurgery = ({ run, nodes, onDone }: { run: RunDetail; nodes: readonly JourneyNode[]; onDone: (message: string) => void }): ReactElement => {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState('');
  const [due, setDue] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const targets = nodes.filter((n) => nodeKindDefinition(n.kind).category !== 'trigger' && n.id !== run.currentNode);
  const labelOf = (id: string) => nodes.find((n) => n.id === id)?.label;
  const nodeName = (id: string) => {
    const node = nodes.find((n) => n.id === id);
    return node?.label ? `“${node.label}”` : id;
  };
  const why = reason.trim();
  const needsReason = why === '' ? 'Say why first (it is recorded with the change)' : undefined;

  const perform = async (request: SurgeryRequest) => {
    setBusy(true);
    setError(null);
    try {
      const { step } = await runSurgery(run.id, request);
      setReason('');
      setOpen(false);
      onDone(`${describe(request, nodeName, (id) => timerLabel(id, labelOf))} — recorded as step ${step.seq}.`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)} data-testid="surgery-open">
        <Icon name="edit" size={14} /> Change this run…
      </button>
    );
  }
  return (
    <section className="surgery" aria-label="change this run" data-testid="surgery">
      <div className="surgery-head">
        <strong>Change this run</strong>
        <button type="button" className="icon-btn" aria-label="close" onClick={() => setOpen(false)}>
          <Icon name="close" size={14} />
        </button>
      </div>
      <p className="muted small">Each change is recorded as a step of the run, with your key and your reason, and in the audit log. It replays like any other step.</p>
      <label className="field-label" htmlFor="surgery-reason">
        Why?
      </label>
      <textarea id="surgery-reason" className="input textarea" rows={2} maxLength={500} value={reason} placeholder="e.g. ordered by phone; customer asked us to stop" onChange={(e) => setReason(e.target.value)} data-testid="surgery-reason" />

      {run.timers.length > 0 ? (
        <div className="surgery-group">
          <h4>Pending timers</h4>
          {run.timers.map((t) => (
            <div key={t.timerId} className="surgery-timer" data-testid={`surgery-timer-${t.timerId}`}>
              <div className="small">
                <Icon name="clock" size={13} /> <span title={t.timerId}>{timerLabel(t.timerId, labelOf)}</span>, due {new Date(t.dueAt).toLocaleString()} ({formatDuration(t.dueAt - Date.now())} from now)
              </div>
              <div className="surgery-actions">
                <button type="button" className="btn btn-small" disabled={busy || needsReason !== undefined} title={needsReason} onClick={() => void perform({ action: 'fire_timer', timerId: t.timerId, reason: why })} data-testid={`surgery-fire-${t.timerId}`}>
                  Fire now
                </button>
                <button type="button" className="btn btn-small" disabled={busy || needsReason !== undefined} title={needsReason} onClick={() => void perform({ action: 'skip_timer', timerId: t.timerId, reason: why })} data-testid={`surgery-skip-${t.timerId}`}>
                  Drop it
                </button>
              </div>
              <div className="surgery-actions">
                <input
                  type="datetime-local"
                  className="input input-small"
                  aria-label={`new due time for ${t.timerId}`}
                  value={due[t.timerId] ?? toLocalInput(t.dueAt)}
                  onChange={(e) => setDue({ ...due, [t.timerId]: e.target.value })}
                  data-testid={`surgery-due-${t.timerId}`}
                />
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy || needsReason !== undefined || !due[t.timerId]}
                  title={needsReason ?? (!due[t.timerId] ? 'Pick the new due time first' : undefined)}
                  onClick={() => void perform({ action: 'reschedule_timer', timerId: t.timerId, dueAt: fromLocalInput(due[t.timerId] ?? ''), reason: why })}
                  data-testid={`surgery-reschedule-${t.timerId}`}
                >
                  Reschedule
                </button>
              </div>
            </div>
          ))}
        </div>
      ) : null}

      <div className="surgery-group">
        <h4>Move to another step</h4>
        <p className="muted small">The step is entered as if reached normally: its messages go out, its waits start. Pending timers are dropped.</p>
        <div className="surgery-actions">
          <select className="select" aria-label="move to step" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="surgery-move-target">
            <option value="">Choose a step…</option>
            {targets.map((n) => (
              <option key={n.id} value={n.id}>
                {n.label ? `${n.label} (${n.id})` : `${nodeKindDefinition(n.kind).label} (${n.id})`}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-small" disabled={busy || needsReason !== undefined || target === ''} title={needsReason ?? (target === '' ? 'Choose a step first' : undefined)} onClick={() => void perform({ action: 'move', nodeId: target, reason: why })} data-testid="surgery-move">
            Move
          </button>
        </div>
      </div>

      <div className="surgery-group">
        <h4>Cancel the run</h4>
        <div className="surgery-actions">
          <span className="muted small">It ends as exited; nothing more is sent.</span>
          <button type="button" className="btn btn-small btn-danger" disabled={busy || needsReason !== undefined} title={needsReason} onClick={() => void perform({ action: 'cancel', reason: why })} data-testid="surgery-cancel">
            Cancel run
          </button>
        </div>
      </div>
      {error ? (
        <p className="callout callout-error" role="alert" data-testid="surgery-error">
          {error}
        </p>
      ) : null}
    </section>
  );
};
