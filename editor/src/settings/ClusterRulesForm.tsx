import { useState, type ReactElement, type ReactNode } from 'react';
import type { ClusterContactStrategy, DialogueScript } from '../../../workflows/contact-policy.js';
import { Icon } from '../nodes/icons.js';
import { errorsAt, hasErrorsUnder, type FormErrors } from './errors.js';
import { channelNames, scriptLines, toggleChannel, type StrategyChannel } from './strategy-form.js';
import { FieldErrors, NumberInput, fieldMessage } from './ui.js';

/**
 * The rules for one cluster (or the default): goal, channels with cost, budget, frequency cap,
 * quiet hours and dialogue scripts. `path` is where the rules sit in the strategy (`['star']`).
 */
export const ClusterRulesForm = ({ rules, onChange, path, errors }: { rules: ClusterContactStrategy; onChange: (rules: ClusterContactStrategy) => void; path: string[]; errors: FormErrors }): ReactElement => {
  const id = path.join('-');
  const at = (...rest: (string | number)[]) => errorsAt(errors, [...path, ...rest]).map(fieldMessage);
  return (
    <div className="cluster-rules" data-testid={`rules-${id}`}>
      <div className={`field ${at('goal').length ? 'has-error' : ''}`}>
        <label className="field-label" htmlFor={`${id}-goal`}>
          Goal of contact
        </label>
        <textarea id={`${id}-goal`} className="input textarea" rows={2} maxLength={1000} value={rules.goal} placeholder="e.g. Keep them delighted: personal, never pushy" onChange={(e) => onChange({ ...rules, goal: e.target.value })} data-testid={`goal-${id}`} />
        <FieldErrors messages={at('goal')} />
      </div>

      <RuleBlock title="Channels" help="A marketing channel (email, SMS) that is not allowed here is skipped, with the reason on the run. Each message sent books its cost.">
        <div className="channel-rows">
          {(Object.keys(channelNames) as StrategyChannel[]).map((channel) => {
            const allowed = rules.channels[channel] !== undefined;
            const messages = at('channels', channel, 'costPerContact');
            return (
              <div className="channel-row" key={channel}>
                <label className="check">
                  <input type="checkbox" checked={allowed} onChange={(e) => onChange(toggleChannel(rules, channel, e.target.checked))} data-testid={`channel-${id}-${channel}`} /> {channelNames[channel]}
                </label>
                {allowed ? (
                  <div>
                    <div className="inline-group">
                      <span className="suffix">cost per contact</span>
                      <NumberInput className="input input-short" label={`${channelNames[channel]} cost per contact`} min={0} value={rules.channels[channel]?.costPerContact ?? 0} onChange={(costPerContact) => onChange({ ...rules, channels: { ...rules.channels, [channel]: { costPerContact } } })} testId={`cost-${id}-${channel}`} />
                    </div>
                    <FieldErrors messages={messages} />
                  </div>
                ) : (
                  <span className="muted small">not allowed</span>
                )}
              </div>
            );
          })}
        </div>
      </RuleBlock>

      <RuleBlock
        title="Frequency cap"
        help="Across all journeys: a message over the cap is skipped and the run says why."
        on={rules.frequencyCap !== null}
        onToggle={(on) => onChange({ ...rules, frequencyCap: on ? { max: 2, periodDays: 7 } : null })}
        testId={`cap-${id}`}
        invalid={hasErrorsUnder(errors, [...path, 'frequencyCap'])}
      >
        {rules.frequencyCap ? (
          <>
            <div className="rule-inline">
              At most <NumberInput label="messages at most" min={0} step={1} value={rules.frequencyCap.max} onChange={(max) => onChange({ ...rules, frequencyCap: { periodDays: rules.frequencyCap?.periodDays ?? 7, max } })} testId={`cap-max-${id}`} /> marketing messages per
              <NumberInput label="cap period in days" min={1} step={1} value={rules.frequencyCap.periodDays} onChange={(periodDays) => onChange({ ...rules, frequencyCap: { max: rules.frequencyCap?.max ?? 2, periodDays } })} testId={`cap-days-${id}`} /> days
            </div>
            <FieldErrors messages={[...at('frequencyCap', 'max'), ...at('frequencyCap', 'periodDays'), ...at('frequencyCap')]} testId={`cap-error-${id}`} />
          </>
        ) : null}
      </RuleBlock>

      <RuleBlock
        title="Budget per customer"
        help="What marketing messages to one customer may cost in the period; one that would go over is skipped."
        on={rules.budget !== null}
        onToggle={(on) => onChange({ ...rules, budget: on ? { amount: 1, periodDays: 30 } : null })}
        testId={`budget-${id}`}
        invalid={hasErrorsUnder(errors, [...path, 'budget'])}
      >
        {rules.budget ? (
          <>
            <div className="rule-inline">
              At most <NumberInput label="budget amount" min={0} value={rules.budget.amount} onChange={(amount) => onChange({ ...rules, budget: { periodDays: rules.budget?.periodDays ?? 30, amount } })} testId={`budget-amount-${id}`} /> per
              <NumberInput label="budget period in days" min={1} step={1} value={rules.budget.periodDays} onChange={(periodDays) => onChange({ ...rules, budget: { amount: rules.budget?.amount ?? 1, periodDays } })} /> days
            </div>
            <FieldErrors messages={[...at('budget', 'amount'), ...at('budget', 'periodDays'), ...at('budget')]} />
          </>
        ) : null}
      </RuleBlock>

      <RuleBlock
        title="Quiet hours"
        help="In each customer's own time zone. A message due in quiet hours is deferred to the end of them, not dropped."
        on={rules.quietHours !== null}
        onToggle={(on) => onChange({ ...rules, quietHours: on ? { from: '22:00', to: '08:00' } : null })}
        testId={`quiet-${id}`}
        invalid={hasErrorsUnder(errors, [...path, 'quietHours'])}
      >
        {rules.quietHours ? (
          <>
            <div className="rule-inline">
              No marketing messages from
              <input className="input input-time" type="time" aria-label="quiet from" value={rules.quietHours.from} onChange={(e) => onChange({ ...rules, quietHours: { to: rules.quietHours?.to ?? '08:00', from: e.target.value } })} data-testid={`quiet-from-${id}`} />
              to
              <input className="input input-time" type="time" aria-label="quiet to" value={rules.quietHours.to} onChange={(e) => onChange({ ...rules, quietHours: { from: rules.quietHours?.from ?? '22:00', to: e.target.value } })} data-testid={`quiet-to-${id}`} />
              {rules.quietHours.to <= rules.quietHours.from && rules.quietHours.to !== rules.quietHours.from ? <span className="muted small">(over midnight)</span> : null}
            </div>
            <FieldErrors messages={[...at('quietHours', 'from'), ...at('quietHours', 'to'), ...at('quietHours')]} />
          </>
        ) : null}
      </RuleBlock>

      <RuleBlock title="Dialogue scripts" help="What the person who gets a task or call about a customer of this cluster says, step by step — e.g. for a complaint: apologise, explain, offer a discount only if they insist.">
        {rules.scripts.map((script, index) => (
          <ScriptEditor
            key={index}
            script={script}
            index={index}
            id={id}
            errors={{ name: at('scripts', index, 'name'), lines: at('scripts', index, 'lines') }}
            onChange={(next) => onChange({ ...rules, scripts: rules.scripts.map((s, i) => (i === index ? next : s)) })}
            onRemove={() => onChange({ ...rules, scripts: rules.scripts.filter((_s, i) => i !== index) })}
          />
        ))}
        <FieldErrors messages={at('scripts')} />
        <button type="button" className="btn btn-small" disabled={rules.scripts.length >= 20} onClick={() => onChange({ ...rules, scripts: [...rules.scripts, { name: rules.scripts.length === 0 ? 'complaint' : `script ${rules.scripts.length + 1}`, lines: ['Apologise'] }] })} data-testid={`script-add-${id}`}>
          <Icon name="plus" size={14} /> Add script
        </button>
      </RuleBlock>
    </div>
  );
};

const RuleBlock = ({ title, help, on, onToggle, children, testId, invalid }: { title: string; help: string; on?: boolean; onToggle?: (on: boolean) => void; children: ReactNode; testId?: string; invalid?: boolean }): ReactElement => (
  <div className={`rule-block ${on === false ? 'is-off' : ''} ${invalid ? 'has-error' : ''}`} data-testid={testId}>
    <div className="rule-block-head">
      <h3>{title}</h3>
      {onToggle ? (
        <label className="check check-small">
          <input type="checkbox" checked={on ?? false} onChange={(e) => onToggle(e.target.checked)} data-testid={testId ? `${testId}-on` : undefined} /> {on ? 'On' : 'Off'}
        </label>
      ) : null}
    </div>
    {children}
    <p className="help">{help}</p>
  </div>
);

const ScriptEditor = ({ script, index, id, errors, onChange, onRemove }: { script: DialogueScript; index: number; id: string; errors: { name: string[]; lines: string[] }; onChange: (script: DialogueScript) => void; onRemove: () => void }): ReactElement => {
  const [text, setText] = useState(() => script.lines.join('\n'));
  return (
    <div className="script" data-testid={`script-${id}-${index}`}>
      <div className="script-head">
        <input className="input" aria-label={`name of script ${index + 1}`} value={script.name} maxLength={100} onChange={(e) => onChange({ ...script, name: e.target.value })} placeholder="complaint" data-testid={`script-name-${id}-${index}`} />
        <button type="button" className="icon-btn icon-danger" aria-label={`remove script ${index + 1}`} onClick={onRemove}>
          <Icon name="trash" size={15} />
        </button>
      </div>
      <FieldErrors messages={errors.name} />
      <textarea
        className="input textarea"
        rows={3}
        aria-label={`lines of script ${index + 1}, one per line`}
        value={text}
        placeholder={'Apologise\nExplain what happened\nOffer a discount only if they insist'}
        onChange={(e) => {
          setText(e.target.value);
          onChange({ ...script, lines: scriptLines(e.target.value) });
        }}
        data-testid={`script-lines-${id}-${index}`}
      />
      <FieldErrors messages={errors.lines} />
    </div>
  );
};
