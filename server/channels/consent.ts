import { and, eq } from 'drizzle-orm';
import type { Database } from '../../drizzle/db.js';
import { customers } from '../../drizzle/schema.js';
import type { JsonValue } from '../../workflows/index.js';

export interface CustomerAtSend {
  traits: Record<string, JsonValue>;
  consent: Record<string, boolean>;
}

/** The customer as it is now: consent and addresses are checked at send time, not at step time. */
export const loadCustomer = async (db: Database, workspaceId: string, customerId: string): Promise<CustomerAtSend | null> => {
  const [row] = await db
    .select({ traits: customers.traits, consent: customers.consent })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId)))
    .limit(1);
  return row ?? null;
};

/**
 * Consent is withheld for a channel when any source says no: the consent the API and the
 * unsubscribe link set (`customers.consent.<channel> === false`), the identify trait
 * `consent.<channel> === false`, or, for email, the conventional trait `unsubscribed === true`.
 * Anything else (absent keys, other values, an unknown customer) does not withhold it. A "yes" in
 * one place never overrides a "no" in another: to resubscribe, clear every "no".
 */
export const consentWithheld = (customer: CustomerAtSend | null, channel: 'email' | 'sms'): boolean => {
  if (!customer) return false;
  if (customer.consent[channel] === false) return true;
  const traitConsent = customer.traits['consent'];
  if (typeof traitConsent === 'object' && traitConsent !== null && !Array.isArray(traitConsent) && Object.hasOwn(traitConsent, channel) && traitConsent[channel] === false) return true;
  return channel === 'email' && customer.traits['unsubscribed'] === true;
};

/** A string trait (e.g. `email`, `phone`) of the customer at send time. */
export const stringTrait = (customer: CustomerAtSend | null, trait: string): string | null => {
  const value = customer?.traits[trait];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
};
