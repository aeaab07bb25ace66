import { z } from 'zod';
import { effectState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const enrolJourney = defineNodeKind({
  kind: 'enrol_journey',
  category: 'action',
  label: 'Enrol in journey',
  description: 'Starts another journey for this customer (its manual trigger).',
  docs: 'Enrols the customer in journey `journeyId` through that journey\'s manual / API trigger, passing the current event\'s properties. The other journey\'s entry policy still applies. Outcome: `next`.',
  params: z.object({ journeyId: z.string().min(1, 'pick a journey').max(64) }),
  example: { journeyId: 'expansion-cross-sell' },
  outcomes: () => ['next'],
  summary: (p) => `Enrol in ${p.journeyId}`,
  compile: (p, ctx) => effectState(ctx, 'enrol_journey', p),
  effect: (p, scope) => ({
    channel: 'journey',
    payload: { journeyId: p.journeyId, customerId: scope.customer.id, properties: scope.event?.properties ?? {} },
  }),
  references: (p) => [{ type: 'journey', id: p.journeyId, path: ['journeyId'] }],
});
