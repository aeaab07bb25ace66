import { segmentDefinitionSchema, segmentRequestSchema, segmentStageProblems, type SegmentDefinition, type SegmentRequest } from '../../../workflows/segments.js';
import type { Choice } from '../graph/rule-builder.js';
import { noErrors, withProblems, zodErrors, type FormErrors } from './errors.js';

/**
 * The segment form: its draft, the check with the server's own schemas (and its stage check against
 * the workspace's stage model), and what is sent. Pure.
 */
export interface SegmentDraft {
  name: string;
  description: string;
  definition: SegmentDefinition;
}

/** A new segment starts with no conditions (every customer) and the preview says so. */
export const emptySegmentDraft = (): SegmentDraft => ({ name: '', description: '', definition: { rule: { kind: 'group', combinator: 'and', rules: [] } } });

export const draftOf = (segment: { name: string; description: string | null; definition: SegmentDefinition }): SegmentDraft => ({
  name: segment.name,
  description: segment.description ?? '',
  definition: segment.definition,
});

/** The body of `POST /v1/segments` (and of `PATCH`, which takes the same three fields): an empty description is none. */
export const requestOf = (draft: SegmentDraft): SegmentRequest => ({
  name: draft.name,
  description: draft.description.trim() === '' ? null : draft.description,
  definition: draft.definition,
});

export interface SegmentCheck {
  /** Errors by field path (`name`, `definition.rule.rules.0.value`). */
  errors: FormErrors;
  /** What to save, when the whole form is valid. */
  request: SegmentRequest | null;
  /** What to preview, when the definition is valid (the name may still be missing). */
  definition: SegmentDefinition | null;
}

/**
 * The form checked as the server checks it: `segmentRequestSchema` (the definition with
 * `segmentDefinitionSchema`), then stage values against the workspace's stages when they are known
 * (`segmentStageProblems`, as `checkAgainstWorkspace` does on the server).
 */
export const checkSegmentDraft = (draft: SegmentDraft, stages: readonly string[] | null): SegmentCheck => {
  const parsed = segmentRequestSchema.safeParse(requestOf(draft));
  const definition = segmentDefinitionSchema.safeParse(draft.definition);
  const stageProblems = definition.success && stages ? segmentStageProblems(definition.data.rule, stages, ['definition', 'rule']) : [];
  const errors = withProblems(parsed.success ? noErrors() : zodErrors(parsed.error), stageProblems);
  const definitionOk = definition.success && stageProblems.length === 0;
  return {
    errors,
    request: parsed.success && definitionOk ? parsed.data : null,
    definition: definitionOk ? definition.data : null,
  };
};

export const sameSegmentDefinition = (a: SegmentDefinition, b: SegmentDefinition): boolean => JSON.stringify(a) === JSON.stringify(b);

export const sameDraft = (a: SegmentDraft, b: SegmentDraft): boolean => a.name === b.name && a.description === b.description && sameSegmentDefinition(a.definition, b.definition);

/** The stage model as the rule builder's choices for "Lifecycle stage". */
export const stageChoices = (stages: readonly { id: string; label: string }[]): Choice[] => stages.map((s) => ({ value: s.id, label: s.label }));

/** "12 customers" / "1 customer", and that the count is still being worked out. */
export const memberCountText = (members: number, upToDate: boolean): string => `${members.toLocaleString()} customer${members === 1 ? '' : 's'}${upToDate ? '' : ' so far'}`;
