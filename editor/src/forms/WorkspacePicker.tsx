import type { ReactElement } from 'react';
import { useLoad } from '../settings/ui.js';
import { withCurrentValue } from './spec.js';
import { Select, TextInput } from './widgets.js';

type Choice = { value: string; label: string };

/**
 * A select of something the workspace has (journeys, segments, dialogue scripts), loaded once per form. A current
 * value the list does not have stays visible ("… (not found)"). When the list cannot be loaded the
 * reason is shown, and with `freeText` the id can still be typed.
 */
export const WorkspacePicker = ({
  id,
  value,
  onChange,
  load,
  deps,
  what,
  placeholder,
  empty,
  freeText,
  optional,
  invalid,
}: {
  id: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  load: () => Promise<Choice[]>;
  deps: readonly unknown[];
  /** Plural, for the messages: "journeys". */
  what: string;
  /** The select's empty choice: "Choose a journey…". */
  placeholder: string;
  /** Shown when the workspace has none. */
  empty?: string;
  /** The text input's placeholder when the list cannot be loaded (none: no text input). */
  freeText?: string;
  /** The empty choice stays selectable after a value is picked. */
  optional?: boolean | undefined;
  invalid?: boolean | undefined;
}): ReactElement => {
  const options = useLoad(load, deps);
  if (options.error) {
    return (
      <>
        {freeText ? <TextInput id={id} value={value} onChange={onChange} placeholder={freeText} /> : null}
        <p className="field-error">
          Could not load {what}: {options.error}
          {freeText ? '; type the id instead.' : ''}
        </p>
      </>
    );
  }
  if (!options.data) return <p className="muted">Loading {what}…</p>;
  const current = value || undefined;
  return (
    <>
      <Select id={id} value={current} options={withCurrentValue(options.data, current)} onChange={onChange} placeholder={placeholder} optional={optional} invalid={invalid ?? false} testId={`${id}-select`} />
      {options.data.length === 0 && empty ? <p className="field-help">{empty}</p> : null}
    </>
  );
};
