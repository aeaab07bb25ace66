import type { NewSource, SourceMapping } from './api.js';

/** The webhook-source forms: defaults, the request bodies, and reading a test payload. Pure. */

export interface SourceDraft {
  name: string;
  id: string;
  scheme: 'standard' | 'hmac_sha256';
  hmacHeader: string;
  hmacEncoding: 'hex' | 'base64';
  hmacPrefix: string;
  hmacIdHeader: string;
  mapping: MappingDraft;
}

export interface MappingDraft {
  customerId: string;
  event: string;
  properties: string;
}

export const emptySourceDraft = (): SourceDraft => ({
  name: '',
  id: '',
  scheme: 'standard',
  hmacHeader: 'x-hub-signature-256',
  hmacEncoding: 'hex',
  hmacPrefix: 'sha256=',
  hmacIdHeader: '',
  mapping: { customerId: '$.customer.id', event: '$.type', properties: '' },
});

export const mappingDraftOf = (mapping: SourceMapping): MappingDraft => ({ customerId: mapping.customerId, event: mapping.event, properties: mapping.properties ?? '' });

/** The mapping as the API takes it: an empty `properties` means the whole payload (left out). */
export const mappingOf = (draft: MappingDraft): SourceMapping => ({
  customerId: draft.customerId.trim(),
  event: draft.event.trim(),
  ...(draft.properties.trim() ? { properties: draft.properties.trim() } : {}),
});

export const newSourceOf = (draft: SourceDraft): NewSource => ({
  name: draft.name.trim(),
  ...(draft.id.trim() ? { id: draft.id.trim() } : {}),
  scheme: draft.scheme,
  ...(draft.scheme === 'hmac_sha256'
    ? { hmac: { header: draft.hmacHeader.trim(), encoding: draft.hmacEncoding, prefix: draft.hmacPrefix, idHeader: draft.hmacIdHeader.trim() || null } }
    : {}),
  mapping: mappingOf(draft.mapping),
});

export const samplePayload = JSON.stringify({ type: 'Order Completed', customer: { id: 'cus_123', email: 'ada@example.com' }, order: { id: 'ord_1', total: 59.9, currency: 'EUR' } }, null, 2);

/** A test payload typed by the user: its JSON value, or why it is not JSON. */
export const parsePayload = (text: string): { ok: true; payload: unknown } | { ok: false; reason: string } => {
  try {
    return { ok: true, payload: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `the test payload is not JSON: ${(error as Error).message}` };
  }
};

/** The full URL a provider posts to. */
export const hookUrl = (origin: string, hookPath: string): string => `${origin.replace(/\/$/, '')}${hookPath}`;

/** A delivery body for display: pretty JSON when it parses, else as received. */
export const prettyBody = (body: string): string => {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
};
