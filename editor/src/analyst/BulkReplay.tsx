import { useState, type ReactElement } from 'react';
import { errorMessage } from '../api/client.js';
import { Icon } from '../nodes/icons.js';
import { ErrorState } from '../ui/Dialog.js';
import { replayJourney, type BulkReplayOutcome } from './api.js';
import { showValue } from './explain.js';

/** "Replay all runs" (POST /v1/journeys/:id/replay): every run of the journey re-run through its version and compared. */
export const BulkReplay = ({ journeyId, onOpen }: { journeyId: string; onOpen: (runId: string) => void }): ReactElement => {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'running' } | { kind: 'done'; result: BulkReplayOutcome } | { kind: 'error'; message: string }>({ kind: 'idle' });
  const run = async () => {
    setState({ kind: 'running' });
    try {
      setState({ kind: 'done', result: await replayJourney(journeyId) });
    } catch (e) {
      setState({ kind: 'error', message: errorMessage(e) });
    }
  };
  return (
    <div className="bulk-replay">
      <div className="replay-bar">
        <button type="button" className="btn btn-small" disabled={state.kind === 'running'} onClick={() => void run()} data-testid="replay-all">
          <Icon name="history" size={14} /> {state.kind === 'running' ? 'Replaying…' : 'Replay all runs'}
        </button>
        <span className="muted small">Re-run every run through its version and compare with what was recorded (after an upgrade).</span>
      </div>
      {state.kind === 'error' ? <ErrorState message={`Replay failed: ${state.message}`} /> : null}
      {state.kind === 'done' ? (
        state.result.diverged.length === 0 ? (
          <p className="callout callout-ok small" role="status" data-testid="replay-all-result">
            <Icon name="check" size={13} /> All {state.result.runs.toLocaleString()} run{state.result.runs === 1 ? '' : 's'} replay as recorded.
          </p>
        ) : (
          <div className="callout callout-error small" role="status" data-testid="replay-all-result">
            <strong>
              {state.result.diverged.length.toLocaleString()} of {state.result.runs.toLocaleString()} runs diverge
            </strong>
            <ul>
              {state.result.diverged.slice(0, 20).map((d) => (
                <li key={d.runId}>
                  <button type="button" className="link-btn" onClick={() => onOpen(d.runId)}>
                    {d.runId.slice(0, 8)}
                  </button>{' '}
                  {d.divergence ? (
                    <>
                      step {d.divergence.seq}, <code>{d.divergence.path}</code>: recorded {showValue(d.divergence.recorded)}, replay gives {showValue(d.divergence.replayed)}
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        )
      ) : null}
    </div>
  );
};
