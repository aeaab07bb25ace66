import type { ReactElement } from 'react';
import { isValidTimeZone, type EntryPolicy, type ExitCriterion, type JourneySettings as Settings, type Rule } from '../../../workflows/index.js';
import { Field } from '../forms/Field.js';
import { RuleBuilder } from '../forms/RuleBuilder.js';
import { DurationInput, type DurationValue } from '../forms/widgets.js';
import { newCondition } from '../graph/rule-builder.js';
import { Icon } from '../nodes/icons.js';
import { useEditor } from '../store/context.js';

const zones = ['UTC', 'Europe/Berlin', 'Europe/London', 'Europe/Paris', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Singapore', 'Australia/Sydney'];

/** Entry policy, goal, exit criteria and the time-zone fallback. */
export const JourneySettings = (): ReactElement => {
  const settings = useEditor((s) => s.history.present.settings);
  const name = useEditor((s) => s.history.present.name);
  const rename = useEditor((s) => s.rename);
  const update = useEditor((s) => s.updateSettings);
  const set = (patch: Partial<Settings>) => update({ ...settings, ...patch });
  const entry = settings.entry;
  const setEntry = (mode: EntryPolicy['mode']) => set({ entry: mode === 'every_time' ? { mode, cooldown: { amount: 1, unit: 'days' } } : { mode } });
  const exits = settings.exit;
  const setExit = (i: number, next: ExitCriterion) => set({ exit: exits.map((x, j) => (j === i ? next : x)) });
  const zoneOk = isValidTimeZone(settings.timeZone.fallback);
  return (
    <div className="journey-settings" data-testid="journey-settings">
      <Field id="journey-name" label="Journey name" errors={name.trim() === '' ? ['give the journey a name'] : []} testId="field-journey-name">
        <input id="journey-name" className="input" value={name} onChange={(e) => rename(e.target.value)} />
      </Field>
      <Field id="entry-mode" label="Who can enter" testId="field-entry">
        <select id="entry-mode" className="select" value={entry.mode} onChange={(e) => setEntry(e.target.value as EntryPolicy['mode'])}>
          <option value="once">Once per customer, ever</option>
          <option value="one_at_a_time">Again, but only after their previous run ended</option>
          <option value="every_time">Every time the trigger fires</option>
        </select>
      </Field>
      {entry.mode === 'every_time' ? (
        <Field id="entry-cooldown" label="At most once per (cooldown)" help="Leave the cooldown out to allow overlapping runs.">
          {entry.cooldown ? (
            <div className="inline-group">
              <DurationInput id="entry-cooldown" value={entry.cooldown} onChange={(d?: DurationValue) => set({ entry: { mode: 'every_time', ...(d ? { cooldown: d as { amount: number; unit: 'days' } } : {}) } })} />
              <button type="button" className="icon-btn" aria-label="no cooldown" onClick={() => set({ entry: { mode: 'every_time' } })}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ) : (
            <button type="button" id="entry-cooldown" className="btn btn-ghost btn-small" onClick={() => set({ entry: { mode: 'every_time', cooldown: { amount: 1, unit: 'days' } } })}>
              <Icon name="plus" size={14} /> Add a cooldown
            </button>
          )}
        </Field>
      ) : null}

      <h3 className="section-title">Goal</h3>
      {settings.goal ? (
        <div className="card-inset" data-testid="goal-settings">
          <Field id="goal-event" label="Conversion event" errors={settings.goal.event.trim() === '' ? ['name the conversion event'] : []}>
            <input id="goal-event" className="input" value={settings.goal.event} placeholder="Order Completed" onChange={(e) => set({ goal: { ...settings.goal, event: e.target.value } })} />
          </Field>
          <Field id="goal-rule" label="Only when (optional)">
            <RuleBuilder id="goal-rule" value={settings.goal.rule} optional onChange={(rule?: Rule) => set({ goal: { event: settings.goal?.event ?? '', ...(rule ? { rule } : {}) } })} />
          </Field>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => { const { goal: _g, ...rest } = settings; update(rest as Settings); }}>
            Remove the goal
          </button>
        </div>
      ) : (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => set({ goal: { event: '' } })} data-testid="add-goal">
          <Icon name="plus" size={14} /> Set a goal event
        </button>
      )}

      <h3 className="section-title">Exit when</h3>
      {exits.map((x, i) => (
        <div key={i} className="card-inset" data-testid={`exit-${i}`}>
          <div className="inline-group">
            <select className="select" aria-label="exit type" value={x.type} onChange={(e) => setExit(i, e.target.value === 'event' ? { type: 'event', event: '' } : { type: 'rule', rule: { kind: 'group', combinator: 'and', rules: [newCondition()] } })}>
              <option value="event">An event arrives</option>
              <option value="rule">A rule holds</option>
            </select>
            <button type="button" className="icon-btn" aria-label="remove exit criterion" onClick={() => set({ exit: exits.filter((_, j) => j !== i) })}>
              <Icon name="close" size={14} />
            </button>
          </div>
          {x.type === 'event' ? (
            <>
              <Field id={`exit-${i}-event`} label="Event name" errors={x.event.trim() === '' ? ['name the event'] : []}>
                <input id={`exit-${i}-event`} className="input" value={x.event} placeholder="Unsubscribed" onChange={(e) => setExit(i, { ...x, event: e.target.value })} />
              </Field>
              <Field id={`exit-${i}-rule`} label="Only when (optional)">
                <RuleBuilder id={`exit-${i}-rule`} value={x.rule} optional onChange={(rule?: Rule) => setExit(i, { type: 'event', event: x.event, ...(rule ? { rule } : {}) })} />
              </Field>
            </>
          ) : (
            <Field id={`exit-${i}-rule`} label="Leave as soon as">
              <RuleBuilder id={`exit-${i}-rule`} value={x.rule} onChange={(rule?: Rule) => setExit(i, { type: 'rule', rule: rule ?? { kind: 'group', combinator: 'and', rules: [] } })} />
            </Field>
          )}
        </div>
      ))}
      <button type="button" className="btn btn-ghost btn-small" disabled={exits.length >= 20} onClick={() => set({ exit: [...exits, { type: 'event', event: '' }] })} data-testid="add-exit">
        <Icon name="plus" size={14} /> Add an exit criterion
      </button>

      <h3 className="section-title">Time zone</h3>
      <Field id="tz-fallback" label="When a customer has no time zone, use" errors={zoneOk ? [] : [`"${settings.timeZone.fallback}" is not a time zone; use e.g. Europe/Berlin`]} help="Time-of-day waits and date triggers use the customer’s own time zone first.">
        <input id="tz-fallback" className="input" list="tz-list" value={settings.timeZone.fallback} onChange={(e) => set({ timeZone: { use: 'customer', fallback: e.target.value } })} />
        <datalist id="tz-list">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </Field>
    </div>
  );
};
