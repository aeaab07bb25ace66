import { z } from 'zod';
import { jsonPrimitiveSchema } from '../../domain.js';
import { passThrough } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

const describe = (value: unknown): string => JSON.stringify(value);

export const triggerTraitChanged = defineNodeKind({
  kind: 'trigger_trait_changed',
  category: 'trigger',
  label: 'Trait changed',
  description: 'Starts when a customer trait changes, optionally from and/or to a given value.',
  docs: 'Starts a run when an identify call (or a journey action) changes the trait. `from` and `to` are optional exact values (strings, numbers, booleans or null); leave them out to react to any change. Outcome: `next`.',
  params: z.object({
    trait: z.string().min(1, 'name the trait, e.g. "plan"').max(200),
    from: jsonPrimitiveSchema.optional(),
    to: jsonPrimitiveSchema.optional(),
  }),
  example: { trait: 'plan', to: 'pro' },
  outcomes: () => ['next'],
  summary: (p) =>
    `When ${p.trait} changes${p.from !== undefined ? ` from ${describe(p.from)}` : ''}${p.to !== undefined ? ` to ${describe(p.to)}` : ''}`,
  compile: (_p, ctx) => passThrough(ctx),
  trigger: {
    eventTypes: ['trait_changed'],
    matches: (p, event) => {
      const result =
        event.type === 'trait_changed' &&
        event.trait === p.trait &&
        (p.from === undefined || (event.from ?? null) === p.from) &&
        (p.to === undefined || (event.to ?? null) === p.to);
      return { result, seen: event.type === 'trait_changed' ? [{ field: `customer.traits.${event.trait}`, value: event.to }] : [] };
    },
    repeatable: () => true,
  },
});
