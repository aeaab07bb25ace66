import { z } from 'zod';
import { jsonValueSchema } from '../../domain.js';
import { updateState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const updateTraits = defineNodeKind({
  kind: 'update_traits',
  category: 'action',
  label: 'Update traits',
  description: 'Sets or removes customer traits.',
  docs: 'Changes the customer record: `set` maps trait names to JSON values, `unset` lists traits to remove. Applied in the same transaction as the step and visible to later conditions at once; other journeys see a `trait_changed` event. Outcome: `next`.',
  params: z
    .object({
      set: z.record(z.string().min(1).max(200), jsonValueSchema).default({}),
      unset: z.array(z.string().min(1).max(200)).default([]),
    })
    .refine((p) => Object.keys(p.set).length + p.unset.length > 0, 'set or unset at least one trait'),
  example: { set: { onboarding_done: true }, unset: [] },
  outcomes: () => ['next'],
  summary: (p) => `Update ${[...Object.keys(p.set), ...p.unset.map((t) => `-${t}`)].join(', ')}`,
  compile: (p, ctx) => updateState(ctx, { setTraits: p.set, unsetTraits: p.unset }),
  customerUpdate: (p) => ({ setTraits: p.set, unsetTraits: p.unset }),
});
