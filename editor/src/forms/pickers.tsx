import type { ReactElement } from 'react';
import { valueClusterLabels, valueClusterSchema } from '../../../workflows/index.js';
import { listJourneys } from '../api/journeys.js';
import { listDialogueScripts, listSegments } from '../settings/api.js';
import { useEditor } from '../store/context.js';
import { WorkspacePicker } from './WorkspacePicker.js';

/**
 * The node forms' selects of workspace data (journeys to enrol in, segments, dialogue scripts of
 * the contact strategy), each a `WorkspacePicker`: loaded once per form, a stored value the
 * workspace no longer has stays selectable ("… (not found)"), so opening a form never changes
 * the node.
 */
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
  return <WorkspacePicker {...props} load={load} deps={[self]} what="journeys" placeholder="Choose a journey…" />;
};

/** The workspace's segments for the segment triggers (the id can be typed when they cannot be loaded). */
export const SegmentPicker = (props: PickerProps): ReactElement => {
  const load = async () => (await listSegments()).map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }));
  return <WorkspacePicker {...props} load={load} deps={[]} what="segments" placeholder="Choose a segment…" empty="This workspace has no segments yet: create one on the Segments screen." freeText="engaged-readers" />;
};

const sourceLabel = (source: string): string => {
  const cluster = valueClusterSchema.safeParse(source);
  return cluster.success ? valueClusterLabels[cluster.data] : 'Default';
};

/** Script names of the contact strategy in force, each with the rules that define it ("complaint — Default, Star"). */
export const ScriptPicker = (props: PickerProps): ReactElement => {
  const load = async () => (await listDialogueScripts()).scripts.map((s) => ({ value: s.name, label: `${s.name} — ${s.clusters.map(sourceLabel).join(', ')}` }));
  return <WorkspacePicker {...props} load={load} deps={[]} what="dialogue scripts" placeholder="None: only the lines below" />;
};
