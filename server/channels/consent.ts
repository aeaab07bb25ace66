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

/** Only an explicit `false` withholds consent; an unknown customer or an absent key does not. */
export const consentWithheld = (customer: CustomerAtSend | null, channel: 'email' | 'sms'): boolean => customer?.consent[channel] === false;

/** A string trait (e.g. `email`, `phone`) of the customer at send time. */
export const stringTrait = (customer: CustomerAtSend | null, trait: string): string | null => {
  const value = customer?.traits[trait];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
};
