import { useMemo, useRef, useState, type ReactElement } from 'react';
import { renderTemplate, templateProblems, type RunScope } from '../../../workflows/index.js';
import { useEditor } from '../store/context.js';
import { Icon } from '../nodes/icons.js';

/** A Liquid template with a variables menu and a live preview rendered for the sample customer. */

const baseVariables = [
  { path: 'customer.traits.first_name | default: "there"', label: 'First name (or “there”)' },
  { path: 'customer.traits.email', label: 'Email' },
  { path: 'customer.id', label: 'Customer id' },
  { path: 'customer.stage', label: 'Lifecycle stage' },
  { path: 'customer.cluster', label: 'Value cluster' },
  { path: 'event.name', label: 'Event name' },
  { path: 'trigger.name', label: 'Trigger event name' },
  { path: 'journey.name', label: 'Journey name' },
  { path: 'run.id', label: 'Run id' },
];

export const TemplateField = ({
  id,
  value,
  onChange,
  multiline,
  placeholder,
  optional,
}: {
  id: string;
  value: string | undefined;
  onChange: (next: string | undefined) => void;
  multiline?: boolean | undefined;
  placeholder?: string | undefined;
  optional?: boolean | undefined;
}): ReactElement => {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [menu, setMenu] = useState(false);
  const sample = useEditor((s) => s.sample);
  const journey = useEditor((s) => s.history.present.id);
  const journeyName = useEditor((s) => s.history.present.name);
  const source = value ?? '';

  const variables = useMemo(
    () => [
      ...baseVariables,
      ...Object.keys(sample.customer.traits).filter((t) => t !== 'first_name' && t !== 'email').map((t) => ({ path: `customer.traits.${t}`, label: `Trait: ${t}` })),
      ...Object.keys(sample.properties).map((p) => ({ path: `event.properties.${p}`, label: `Event property: ${p}` })),
      ...Object.keys(sample.properties).map((p) => ({ path: `trigger.properties.${p}`, label: `Trigger property: ${p}` })),
    ],
    [sample],
  );

  const preview = useMemo((): { text: string; error: string | null } => {
    if (source === '') return { text: '', error: null };
    const problem = templateProblems(source)[0];
    if (problem) return { text: '', error: problem.message };
    const now = Date.UTC(2025, 0, 6, 9);
    const event = { name: 'Sample event', properties: sample.properties, at: now };
    const scope: RunScope = { customer: sample.customer, event, trigger: event, journey: { id: journey, name: journeyName }, run: { id: 'preview' }, now };
    try {
      return { text: renderTemplate(source, scope), error: null };
    } catch (error) {
      return { text: '', error: (error as Error).message };
    }
  }, [source, sample, journey, journeyName]);

  const insert = (path: string) => {
    const element = ref.current;
    const snippet = `{{ ${path} }}`;
    const start = element?.selectionStart ?? source.length;
    const end = element?.selectionEnd ?? source.length;
    onChange(source.slice(0, start) + snippet + source.slice(end));
    setMenu(false);
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + snippet.length, start + snippet.length);
    });
  };

  const props = {
    id,
    ref,
    className: `input ${multiline ? 'textarea' : ''}`,
    value: source,
    placeholder,
    spellCheck: true,
    onChange: (e: { target: { value: string } }) => onChange(optional && e.target.value === '' ? undefined : e.target.value),
  };
  return (
    <div className="template-field">
      <div className="template-input">
        {multiline ? <textarea rows={5} {...props} /> : <input {...props} />}
        <button type="button" className="btn btn-ghost btn-small template-vars-btn" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)} data-testid={`${id}-variables`}>
          {'{ }'} Variables
        </button>
        {menu ? (
          <div className="menu" role="menu" onKeyDown={(e) => e.key === 'Escape' && setMenu(false)}>
            {variables.map((v) => (
              <button key={v.path} type="button" role="menuitem" className="menu-item" onClick={() => insert(v.path)}>
                <span>{v.label}</span>
                <code>{v.path.split(' |')[0]}</code>
              </button>
            ))}
          </div>
        ) : null}
      </div>
      {source !== '' ? (
        <div className={`template-preview ${preview.error ? 'is-error' : ''}`} data-testid={`${id}-preview`} aria-live="polite">
          <span className="template-preview-label">
            {preview.error ? <Icon name="error" size={13} /> : <Icon name="play" size={11} />} {preview.error ? 'Problem' : `Preview for ${sample.customer.traits.first_name ?? sample.customer.id}`}
          </span>
          <div className="template-preview-text">{preview.error ?? (preview.text === '' ? '(empty)' : preview.text)}</div>
        </div>
      ) : null}
    </div>
  );
};
