/**
 * The stage model as the Stages screen edits it, and the overview shaped for charts. Pure.
 * A draft row keeps a React key of its own, so reordering and renaming never confuse inputs.
 */
export interface StageDraft {
  key: string;
  id: string;
  label: string;
  /** True once the id was typed or the stage was saved: then the id no longer follows the label. */
  idFixed: boolean;
}

/** A stage id from a label: lower_snake_case, starting with a letter, at most 63 characters. */
export const stageIdFromLabel = (label: string): string => {
  const base = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const id = /^[a-z]/.test(base) ? base : `stage_${base}`.replace(/_+$/, '');
  return id.slice(0, 63).replace(/_+$/, '');
};

export const draftsOf = (stages: readonly { id: string; label: string }[]): StageDraft[] => stages.map((s, i) => ({ key: `saved-${i}-${s.id}`, id: s.id, label: s.label, idFixed: true }));

export const stagesOf = (drafts: readonly StageDraft[]): { id: string; label: string }[] => drafts.map((d) => ({ id: d.id.trim(), label: d.label.trim() }));

/** A new stage at the end, with an id not taken yet. */
export const addStage = (drafts: readonly StageDraft[], key: string): StageDraft[] => {
  const taken = new Set(drafts.map((d) => d.id));
  let id = 'new_stage';
  for (let n = 2; taken.has(id); n += 1) id = `new_stage_${n}`;
  return [...drafts, { key, id, label: '', idFixed: false }];
};

export const moveStage = (drafts: readonly StageDraft[], index: number, delta: -1 | 1): StageDraft[] => {
  const target = index + delta;
  if (index < 0 || index >= drafts.length || target < 0 || target >= drafts.length) return [...drafts];
  const next = [...drafts];
  const [moved] = next.splice(index, 1);
  next.splice(target, 0, moved as StageDraft);
  return next;
};

export const removeStage = (drafts: readonly StageDraft[], index: number): StageDraft[] => drafts.filter((_d, i) => i !== index);

/** Typing a label: a stage whose id was never typed follows it. */
export const relabel = (draft: StageDraft, label: string): StageDraft => ({ ...draft, label, id: draft.idFixed ? draft.id : stageIdFromLabel(label) || draft.id });

export const sameModel = (a: readonly { id: string; label: string }[], b: readonly { id: string; label: string }[]): boolean =>
  a.length === b.length && a.every((s, i) => s.id === b[i]?.id && s.label === b[i]?.label);

export interface OverviewInput {
  stages: { id: string; label: string; customers: number }[];
  otherStages: { id: string; customers: number }[];
  unstaged: number;
  moves: { from: string | null; to: string; count: number }[];
}

export interface StageFlow {
  id: string;
  label: string;
  customers: number;
  /** Moves into the stage in the period (first stages included). */
  entered: number;
  /** Moves out of the stage in the period. */
  left: number;
}

/** Per stage (model order, then stages outside the model): customers now, moves in and out in the period. */
export const stageFlows = (overview: OverviewInput): StageFlow[] => {
  const rows: StageFlow[] = [
    ...overview.stages.map((s) => ({ id: s.id, label: s.label, customers: s.customers, entered: 0, left: 0 })),
    ...overview.otherStages.map((s) => ({ id: s.id, label: `${s.id} (not in the model)`, customers: s.customers, entered: 0, left: 0 })),
  ];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const row = (id: string): StageFlow => {
    const existing = byId.get(id);
    if (existing) return existing;
    const created = { id, label: `${id} (not in the model)`, customers: 0, entered: 0, left: 0 };
    rows.push(created);
    byId.set(id, created);
    return created;
  };
  for (const move of overview.moves) {
    row(move.to).entered += move.count;
    if (move.from !== null) row(move.from).left += move.count;
  }
  return rows;
};

/** The label of a stage id for the moves table ("first stage" for null). */
export const stageLabel = (overview: OverviewInput, id: string | null): string =>
  id === null ? 'No stage yet' : overview.stages.find((s) => s.id === id)?.label ?? id;
