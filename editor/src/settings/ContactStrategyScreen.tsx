import { useMemo, useState, type ReactElement } from 'react';
import { contactStrategySchema, type ContactStrategy } from '../../../workflows/contact-policy.js';
import { isValidTimeZone } from '../../../workflows/time.js';
import { EmptyState, ErrorState, Spinner } from '../ui/Dialog.js';
import { contactStrategyVersions, saveContactStrategy, type ContactStrategyVersion } from './api.js';
import { ClusterRulesForm } from './ClusterRulesForm.js';
import { hasErrorsUnder, errorsAt, noErrors, serverErrors, zodErrors, type FormErrors } from './errors.js';
import { formatTime } from './format.js';
import { rulesOf, setOwnRules, starterStrategy, strategyTabs, summariseRules, withRules, type StrategyTab } from './strategy-form.js';
import { Card, FieldErrors, FormAlert, Notice, ScreenHeader, useLoad } from './ui.js';
import { VersionHistory } from './VersionHistory.js';

/** The contact strategy: one contact policy across all journeys, per value cluster and a default. */
export const ContactStrategyScreen = (): ReactElement => {
  const versions = useLoad(contactStrategyVersions, []);
  const [starting, setStarting] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const current = versions.data?.[0] ?? null;
  return (
    <div className="page">
      <ScreenHeader title="Contact strategy">
        One contact policy across all journeys. For each value cluster (or the default): what contact is for, which channels may be used at what cost, a budget, a frequency cap, quiet hours, and the scripts people follow. Checked when each email or SMS is about to be sent.
      </ScreenHeader>
      <Notice message={notice} onDismiss={() => setNotice(null)} testId="strategy-notice" />
      {versions.error ? (
        <ErrorState message={`Could not load the contact strategy: ${versions.error}`} onRetry={versions.reload} />
      ) : !versions.data ? (
        <Spinner label="Loading the contact strategy…" />
      ) : !current && !starting ? (
        <EmptyState
          title="No contact strategy yet"
          action={
            <button type="button" className="btn btn-primary" onClick={() => setStarting(true)} data-testid="strategy-start">
              Set up the contact strategy
            </button>
          }
        >
          Until one is saved, marketing messages are not restricted: every journey may send as often as it likes, at any hour.
        </EmptyState>
      ) : (
        <StrategyEditor key={current?.version ?? 'new'} current={current} history={versions.data} onSaved={versions.reload} notify={setNotice} />
      )}
    </div>
  );
};

const browserZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

const zones = ((): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

const StrategyEditor = ({ current, history, onSaved, notify }: { current: ContactStrategyVersion | null; history: ContactStrategyVersion[]; onSaved: () => void; notify: (notice: { ok: boolean; text: string } | null) => void }): ReactElement => {
  const [strategy, setStrategy] = useState<ContactStrategy>(() => current?.strategy ?? starterStrategy(browserZone()));
  const [tab, setTab] = useState<StrategyTab>('default');
  const [note, setNote] = useState('');
  const [serverErrs, setServerErrs] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);

  const checked = useMemo(() => contactStrategySchema.safeParse(strategy), [strategy]);
  const errors = checked.success ? serverErrs : zodErrors(checked.error);
  const dirty = current === null || JSON.stringify(strategy) !== JSON.stringify(current.strategy);
  const rules = rulesOf(strategy, tab);

  const change = (next: ContactStrategy) => {
    setStrategy(next);
    setServerErrs(noErrors());
  };
  const save = async () => {
    if (!checked.success) return;
    setBusy(true);
    setServerErrs(noErrors());
    try {
      const saved = await saveContactStrategy(checked.data, note.trim() || null);
      notify({ ok: true, text: `Version ${saved.version} saved: in force for every message from now on.` });
      onSaved();
    } catch (e) {
      setServerErrs(serverErrors(e, ['strategy']));
    } finally {
      setBusy(false);
    }
  };
  const zoneErrors = errorsAt(errors, ['fallbackTimeZone']);

  return (
    <div className="settings-grid strategy-grid">
      <div className="settings-stack">
        <Card testId="strategy-form">
          <div className="cluster-tabs" role="tablist" aria-label="clusters">
            {strategyTabs.map((t) => {
              const own = t.tab === 'default' || strategy[t.tab] !== undefined;
              return (
                <button
                  key={t.tab}
                  type="button"
                  role="tab"
                  className={`cluster-tab ${own ? '' : 'is-inherited'}`}
                  title={own ? undefined : 'follows the default rules'}
                  aria-selected={tab === t.tab}
                  onClick={() => setTab(t.tab)}
                  data-testid={`strategy-tab-${t.tab}`}
                >
                  {t.label}
                  {!own ? <span className="sr-only"> (follows the default)</span> : null}
                  {hasErrorsUnder(errors, [t.tab]) ? <span className="tab-error-dot" aria-label="has errors" /> : null}
                </button>
              );
            })}
          </div>
          <FormAlert errors={errors} testId="strategy-error" />
          {tab !== 'default' ? (
            <div className="inherit-box">
              <span>
                {rules ? (
                  <>
                    <strong>{strategyTabs.find((t) => t.tab === tab)?.label}</strong> customers follow their own rules below.
                  </>
                ) : (
                  <>
                    <strong>{strategyTabs.find((t) => t.tab === tab)?.label}</strong> customers follow the default: {summariseRules(strategy.default)}.
                  </>
                )}
              </span>
              <button type="button" className="btn btn-small" onClick={() => change(setOwnRules(strategy, tab, rules === undefined))} data-testid={`strategy-own-${tab}`}>
                {rules ? 'Use the default instead' : 'Give them their own rules'}
              </button>
            </div>
          ) : null}
          {rules ? <ClusterRulesForm key={tab} rules={rules} path={[tab]} errors={errors} onChange={(next) => change(withRules(strategy, tab, next))} /> : null}
          <div className="form-foot">
            <input className="input" aria-label="note for this version" placeholder="What changed? (optional note)" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} data-testid="strategy-note" />
            <div className="form-foot-actions">
              {dirty ? <span className="dirty-dot">Unsaved changes</span> : null}
              <button type="button" className="btn btn-primary" disabled={busy || !checked.success || !dirty} onClick={() => void save()} data-testid="strategy-save" title={checked.success ? undefined : 'Fix the fields marked in red first'}>
                {busy ? 'Saving…' : 'Save strategy'}
              </button>
            </div>
          </div>
        </Card>
      </div>
      <div className="settings-stack">
        <Card title="Time zones">
          <div className={`field ${zoneErrors.length ? 'has-error' : ''}`}>
            <label className="field-label" htmlFor="fallback-zone">
              For customers without a time zone
            </label>
            <input id="fallback-zone" className="input" list="time-zones" value={strategy.fallbackTimeZone} onChange={(e) => change({ ...strategy, fallbackTimeZone: e.target.value })} data-testid="strategy-zone" />
            <datalist id="time-zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            <FieldErrors messages={zoneErrors} />
            {strategy.fallbackTimeZone && !isValidTimeZone(strategy.fallbackTimeZone) ? <p className="field-error">Not a time zone name this browser knows (e.g. Europe/Berlin); the server would use UTC.</p> : null}
            <p className="field-help">Quiet hours use each customer's own zone (the <code>timezone</code> from identify's <code>context.timezone</code>), else this one. Daylight-saving changes are taken into account.</p>
          </div>
        </Card>
        <Card title="In force">
          {current ? (
            <dl className="kv" data-testid="strategy-in-force">
              <dt>Version</dt>
              <dd>
                {current.version} · {formatTime(current.createdAt)}
              </dd>
              {strategyTabs.map((t) => (
                <FragmentRow key={t.tab} label={t.label} text={current.strategy[t.tab] ? summariseRules(current.strategy[t.tab]!) : t.tab === 'default' ? summariseRules(current.strategy.default) : 'as default'} />
              ))}
            </dl>
          ) : (
            <p className="muted small">Nothing saved yet: save to put the strategy in force.</p>
          )}
        </Card>
        <Card title="History">
          <VersionHistory
            versions={history}
            current={current?.version ?? null}
            error={null}
            testId="strategy-history"
            onLoad={(version) => {
              const stored = history.find((v) => v.version === version);
              if (!stored) return;
              change(structuredClone(stored.strategy));
              setNote(`Restored version ${version}`);
              notify({ ok: true, text: `Version ${version} is in the form; save to put it in force again.` });
            }}
          />
        </Card>
      </div>
    </div>
  );
};

const FragmentRow = ({ label, text }: { label: string; text: string }): ReactElement => (
  <>
    <dt>{label}</dt>
    <dd>{text}</dd>
  </>
);
