import { z } from 'zod';
import { checkedRuleSchema } from '../../rule.js';
import { describeRule } from '../../rule-text.js';
import { toJson } from '../fragments.js';
import { defineNodeKind } from '../kind.js';


export const conditionRule = defineNodeKind({
  kind: 'condition_rule',
  category: 'condition',
  label: 'If / else',
  description: 'Branches on a rule over traits, stage, cluster, tags and event properties.',
  docs: 'Evaluates a rule group (nested AND/OR, see "Rules") against the customer as they are at this moment and the event the run last consumed. Outcomes: `yes` when the rule holds, `no` otherwise. The values the rule saw are recorded in the step.',
  params: z.object({ rule: checkedRuleSchema }),
  example: {
    rule: {
      kind: 'group',
      combinator: 'and',
      rules: [
        { kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'retain_develop' },
        { kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 500 },
      ],
    },
  },
  outcomes: () => ['yes', 'no'],
  summary: (p) => `If ${describeRule(p.rule)}`,
  compile: (p, ctx) => ({
    always: [
      { guard: { type: 'rapport.rule', params: toJson({ nodeId: ctx.nodeId, rule: p.rule }) }, target: ctx.target('yes') },
      { target: ctx.target('no') },
    ],
  }),
});
