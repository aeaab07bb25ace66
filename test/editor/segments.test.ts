import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../editor/src/api/client.js';
import { withCurrentValue } from '../../editor/src/forms/spec.js';
import {
  countConditions,
  countMode,
  isJourneyRule,
  newEventHistory,
  schemaPath,
  setCountMode,
  sourcesFor,
  updateRuleAt,
  type CountMode,
} from '../../editor/src/graph/rule-builder.js';
import { errorsAt, mergeErrors, serverErrors, withProblems } from '../../editor/src/settings/errors.js';
import { checkSegmentDraft, draftOf, emptySegmentDraft, memberCountText, requestOf, sameDraft, stageChoices, type SegmentDraft } from '../../editor/src/settings/segment-form.js';
import { eventHistoryConditionSchema, ruleProblems, type EventHistoryCondition, type SegmentRule } from '../../workflows/rule.js';
import { segmentRequestSchema } from '../../workflows/segments.js';

const engaged: SegmentDraft = {
  name: 'Engaged readers',
  description: '  ',
  definition: {
    rule: {
      kind: 'group',
      combinator: 'and',
      rules: [
        { kind: 'event_history', event: 'Page Viewed', atLeast: 3, withinDays: 7 },
        { kind: 'condition', field: 'customer.traits.plan', operator: 'in', value: ['pro', 'team'] },
        { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'retain_develop' },
      ],
    },
  },
};

describe('segment rules in the rule builder', () => {
  it('offers only customer fields to a segment, the counted event and the customer inside an event-history leaf', () => {
    const ids = (fields: Parameters<typeof sourcesFor>[0]) => sourcesFor(fields).map((s) => s.id);
    expect(ids('segment')).toStrictEqual(['customer.traits', 'customer.stage', 'customer.cluster', 'customer.tags', 'other']);
    expect(ids('counted_event')).toStrictEqual(['customer.traits', 'customer.stage', 'customer.cluster', 'customer.tags', 'event.properties', 'other']);
    expect(ids('journey')).toHaveLength(7);
  });

  it('switches how an event-history leaf bounds its count, keeping the numbers that carry over; each mode passes the schema', () => {
    const leaf: EventHistoryCondition = { kind: 'event_history', event: 'Page Viewed', atLeast: 3, withinDays: 7 };
    expect(countMode(leaf)).toBe('at_least');
    expect(setCountMode(leaf, 'at_most')).toStrictEqual({ kind: 'event_history', event: 'Page Viewed', atMost: 3, withinDays: 7 });
    expect(setCountMode(leaf, 'between')).toStrictEqual({ kind: 'event_history', event: 'Page Viewed', withinDays: 7, atLeast: 3, atMost: 4 });
    expect(setCountMode(leaf, 'none')).toStrictEqual({ kind: 'event_history', event: 'Page Viewed', withinDays: 7, atMost: 0 });
    expect(setCountMode(setCountMode(leaf, 'none'), 'at_least')).toMatchObject({ atLeast: 1 });
    expect(setCountMode({ ...leaf, atMost: 5 }, 'between')).toMatchObject({ atLeast: 3, atMost: 5 });
    for (const mode of ['at_least', 'at_most', 'between', 'none'] satisfies CountMode[]) {
      const next = setCountMode(leaf, mode);
      expect(countMode(next), mode).toBe(mode);
      expect(eventHistoryConditionSchema.safeParse(next).success, mode).toBe(true);
      expect(ruleProblems(next), mode).toStrictEqual([]);
    }
    // A new leaf needs only its event name.
    expect(eventHistoryConditionSchema.safeParse({ ...newEventHistory(), event: 'Order Completed' }).success).toBe(true);
  });

  it('tells journey rules from segment rules, and counts an event-history leaf with its own rule', () => {
    const rule = engaged.definition.rule;
    expect(isJourneyRule(rule)).toBe(false);
    const journeyRule = updateRuleAt(rule, [0], () => ({ kind: 'condition', field: 'customer.tags', operator: 'is_empty' }));
    expect(isJourneyRule(journeyRule)).toBe(true);
    const counted: SegmentRule = { ...newEventHistory(), rule: { kind: 'group', combinator: 'and', rules: [{ kind: 'condition', field: 'event.properties.total', operator: 'gte', value: 100 }] } };
    expect(countConditions(counted)).toBe(2);
    expect(countConditions(rule)).toBe(3);
  });

  it('maps builder paths to schema paths for errors (a single stored condition is the root)', () => {
    expect(schemaPath(engaged.definition.rule, [1, 0])).toStrictEqual(['rules', 1, 'rules', 0]);
    expect(schemaPath(engaged.definition.rule, [])).toStrictEqual([]);
    expect(schemaPath({ kind: 'condition', field: 'customer.tags', operator: 'is_empty' }, [0])).toStrictEqual([]);
  });
});

describe('the segment form', () => {
  it('sends trimmed-empty descriptions as none and reads a saved segment back into the form', () => {
    expect(requestOf(engaged)).toStrictEqual({ name: 'Engaged readers', description: null, definition: engaged.definition });
    const saved = { ...requestOf(engaged), description: 'Paying readers' };
    expect(draftOf(saved)).toStrictEqual({ ...engaged, description: 'Paying readers' });
    expect(draftOf({ ...saved, description: null }).description).toBe('');
    expect(sameDraft(engaged, { ...engaged })).toBe(true);
    expect(sameDraft(engaged, { ...engaged, name: 'Other' })).toBe(false);
  });

  it('checks the form with the server’s schema: what to save, what to preview', () => {
    const ok = checkSegmentDraft(engaged, null);
    expect(ok.request).toStrictEqual(segmentRequestSchema.parse(requestOf(engaged)));
    expect(ok.definition).toStrictEqual(engaged.definition);
    // No name: nothing to save, but the definition can be previewed.
    const unnamed = checkSegmentDraft({ ...engaged, name: ' ' }, null);
    expect(unnamed.request).toBeNull();
    expect(unnamed.definition).not.toBeNull();
    expect(errorsAt(unnamed.errors, ['name'])).toStrictEqual(['name the segment']);
    // A new form has no conditions: every customer, valid as it is except for the name.
    expect(checkSegmentDraft(emptySegmentDraft(), null).definition).toStrictEqual({ rule: { kind: 'group', combinator: 'and', rules: [] } });
  });

  it('puts definition errors at their condition, as the server would', () => {
    const rules = (...list: SegmentRule[]): SegmentDraft => ({ ...engaged, definition: { rule: { kind: 'group', combinator: 'and', rules: list } } });
    const unnamedEvent = checkSegmentDraft(rules({ kind: 'event_history', event: '', atLeast: 2, withinDays: 7 }), null);
    expect(unnamedEvent.request).toBeNull();
    expect(unnamedEvent.definition).toBeNull();
    expect(errorsAt(unnamedEvent.errors, ['definition', 'rule', 'rules', 0, 'event'])).toStrictEqual(['name the event, e.g. "Order Completed"']);
    const { errors } = checkSegmentDraft(
      rules({ kind: 'condition', field: 'event.properties.total', operator: 'gt', value: 1 }, { kind: 'condition', field: 'customer.cluster', operator: 'eq', value: 'unicorn' }, { kind: 'event_history', event: 'Page Viewed', atLeast: 0, withinDays: 7 }),
      null,
    );
    expect(errorsAt(errors, ['definition', 'rule', 'rules', 0, 'field'])[0]).toMatch(/a segment has no current event/);
    expect(errorsAt(errors, ['definition', 'rule', 'rules', 1, 'value'])[0]).toMatch(/"unicorn" is not a value cluster/);
    expect(errorsAt(errors, ['definition', 'rule', 'rules', 2, 'atLeast'])[0]).toMatch(/"atLeast": 0 always holds/);
  });

  it('checks stage values against the workspace’s stages once they are loaded', () => {
    expect(checkSegmentDraft(engaged, ['identify_attract', 'retain_develop']).request).not.toBeNull();
    const stale = checkSegmentDraft(engaged, ['identify_attract']);
    expect(stale.request).toBeNull();
    expect(stale.definition).toBeNull();
    expect(errorsAt(stale.errors, ['definition', 'rule', 'rules', 2, 'value'])).toStrictEqual(['"retain_develop" is not a stage of this workspace; use identify_attract']);
    expect(stageChoices([{ id: 'vip', label: 'VIP club' }])).toStrictEqual([{ value: 'vip', label: 'VIP club' }]);
  });

  it('shows a server refusal at the field it names, together with the form’s own errors', () => {
    const refused = serverErrors(
      new ApiFailure(400, 'invalid_body', 'invalid segment definition: "gone" is not a stage of this workspace at definition.rule.rules.2.value', [
        { path: ['definition', 'rule', 'rules', 2, 'value'], message: '"gone" is not a stage of this workspace' },
      ]),
    );
    const own = withProblems(checkSegmentDraft({ ...engaged, name: '' }, null).errors, [{ path: [], message: 'check the form' }]);
    const both = mergeErrors(own, refused);
    expect(errorsAt(both, ['definition', 'rule', 'rules', 2, 'value'])).toStrictEqual(['"gone" is not a stage of this workspace']);
    expect(errorsAt(both, ['name'])).toStrictEqual(['name the segment']);
    expect(both.general).toStrictEqual(['check the form']);
    // The inputs are not changed.
    expect(own.fields.has('definition.rule.rules.2.value')).toBe(false);
  });

  it('says how many customers a segment holds, and when the count is still filling in', () => {
    expect(memberCountText(1, true)).toBe('1 customer');
    expect(memberCountText(0, true)).toBe('0 customers');
    expect(memberCountText(1200, false)).toBe(`${(1200).toLocaleString()} customers so far`);
  });
});

describe('workspace pickers', () => {
  it('keeps a current value the workspace does not have visible', () => {
    const options = [{ value: 'engaged-readers', label: 'Engaged readers (engaged-readers)' }];
    expect(withCurrentValue(options, 'engaged-readers')).toStrictEqual(options);
    expect(withCurrentValue(options, 'gone')).toStrictEqual([...options, { value: 'gone', label: 'gone (not found)' }]);
    expect(withCurrentValue(options, undefined)).toStrictEqual(options);
    expect(withCurrentValue(options, '')).toStrictEqual(options);
  });
});
