import { eq } from 'drizzle-orm';
import { journeys } from '../../drizzle/schema.js';
import { winBackJourney } from '../../workflows/examples/win-back.js';
import type { Harness } from './harness.js';
import { publishDirect, storeEvent } from './journeys.js';

export const DAY = 86_400_000;
/** The start of the stored history: 2 February 2026, 10:00 UTC. */
export const T0 = Date.UTC(2026, 1, 2, 10);

/**
 * A what-if fixture: the win-back journey live as version 1, a draft whose coupon costs 3 instead
 * of 9, and February's history — a goes inactive and buys back within the 14 days, b goes
 * inactive and does not; with `withIdentifyOnly`, c only identifies (no trigger). The clock is
 * set 60 days after T0.
 */
export const seedWinBackHistory = async (h: Harness, { withIdentifyOnly = false } = {}): Promise<void> => {
  h.clock.set(T0 + 60 * DAY);
  await publishDirect(h, winBackJourney);
  await storeEvent(h, 'a', 'track', { properties: {} }, { name: 'Inactive 60 Days', at: T0 });
  await storeEvent(h, 'a', 'track', { properties: { total: 50 } }, { name: 'Order Completed', at: T0 + 2 * DAY });
  await storeEvent(h, 'b', 'track', { properties: {} }, { name: 'Inactive 60 Days', at: T0 + DAY });
  if (withIdentifyOnly) await storeEvent(h, 'c', 'identify', { traits: {} }, { at: T0 });
  const draft = { ...winBackJourney, nodes: winBackJourney.nodes.map((n) => (n.id === 'comeback-coupon' ? { ...n, params: { ...n.params, cost: 3 } } : n)) };
  await h.services.db.update(journeys).set({ draft }).where(eq(journeys.id, winBackJourney.id));
};
