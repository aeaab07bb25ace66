import { z } from 'zod';
import { effectState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const recordConversion = defineNodeKind({
  kind: 'record_conversion',
  category: 'action',
  label: 'Record conversion',
  description: 'Records a named conversion (with an optional value) and carries on.',
  docs: 'Records a conversion named `name` with an optional monetary `value` for reporting, without ending the run (use "Goal reached" to end it). Outcome: `next`.',
  params: z.object({ name: z.string().min(1, 'name the conversion').max(200), value: z.number().min(0).optional() }),
  example: { name: 'referral_sent' },
  outcomes: () => ['next'],
  summary: (p) => `Record conversion ${p.name}${p.value === undefined ? '' : ` (${p.value})`}`,
  compile: (p, ctx) => effectState(ctx, 'record_conversion', p),
  effect: (p, scope) => ({ channel: 'conversion', payload: { name: p.name, value: p.value ?? null, customerId: scope.customer.id } }),
});
