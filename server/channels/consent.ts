import type { CustomerAtSend } from './round.js';

export type { CustomerAtSend };

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
