import { useEffect, useState, type ReactElement } from 'react';
import { valueClusterLabels, valueClusterSchema } from '../../../workflows/index.js';
import { listJourneys } from '../api/journeys.js';
import { listDialogueScripts } from '../settings/api.js';
import { useEditor } from '../store/context.js';
import { Select } from './widgets.js';

/**
 * Selects whose options are workspace data loaded from the API once per form: journeys to enrol
 * in, dialogue scripts of the contact strategy. A stored value the workspace no longer has stays
 * selectable, marked "(not found)", so opening a form never changes the node.
 */
type Option = { value: string; label: string };

interface RemotePickerProps {
  id: string;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  /** What the options are, for the loading and error lines ("journeys"). */
  noun: string;
  load: () => Promise<Option[]>;
  /** Reloads when this changes. */
  loadKey?: string | undefined;
  placeholder: string;
  optional?: boolean | undefined;
  invalid?: boolean;
}

const RemotePicker = ({ id, value, onChange, noun, load, loadKey, placeholder, optional, invalid }: RemotePickerProps): ReactElement => {
  const [options, setOptions] = useState<Option[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    load()
      .then((loaded) => live && setOptions(loaded))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
    // `load` is recreated on every render; what it loads only changes with `loadKey`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadKey]);
  if (error) return <p className="field-error">Could not load {noun}: {error}</p>;
  if (!options) return <p className="muted">Loading {noun}…</p>;
  const all = value && !options.some((o) => o.value === value) ? [...options, { value, label: `${value} (not found)` }] : options;
  return <Select id={id} value={value} options={all} onChange={onChange} placeholder={placeholder} optional={optional} invalid={invalid ?? false} />;
};

interface PickerProps {
  id: string;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  optional?: boolean | undefined;
  invalid?: boolean;
}

/** Journey ids for the "Enrol in journey" picker (not this journey, not archived ones). */
export const JourneyPicker = (props: PickerProps): ReactElement => {
  const self = useEditor((s) => s.history.present.id);
  const load = async () => (await listJourneys()).journeys.filter((j) => j.id !== self && j.status !== 'archived').map((j) => ({ value: j.id, label: `${j.name} (${j.id})` }));
  return <RemotePicker {...props} noun="journeys" load={load} loadKey={self} placeholder="Choose a journey…" />;
};

const sourceLabel = (source: string): string => {
  const cluster = valueClusterSchema.safeParse(source);
  return cluster.success ? valueClusterLabels[cluster.data] : 'Default';
};

/** Script names of the contact strategy in force, each with the rules that define it ("complaint — Default, Star"). */
export const ScriptPicker = (props: PickerProps): ReactElement => {
  const load = async () => (await listDialogueScripts()).scripts.map((s) => ({ value: s.name, label: `${s.name} — ${s.clusters.map(sourceLabel).join(', ')}` }));
  return <RemotePicker {...props} noun="dialogue scripts" load={load} placeholder="None: only the lines below" />;
};
