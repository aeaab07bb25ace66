import { z } from 'zod';
import type { StoredSecret } from '../../drizzle/schema.js';
import { ApiError, notFound } from '../errors.js';
import { sealedKeyId, type SecretBox } from '../secret-box.js';

/**
 * The signing secrets of an inbound webhook source or an outbound endpoint: a list, newest first,
 * each sealed at rest (server/secret-box.ts). A rotation puts a new secret first and gives the older
 * live ones a grace period (default 24 hours): inbound, any live secret verifies; outbound, every
 * live secret signs, so the receiver can switch whenever it likes. At most five are live. Pure.
 */
export const defaultGraceHours = 24;
export const maxLiveSecrets = 5;

/** A secret opened for use; held in memory only. */
export interface SigningSecret {
  secret: string;
  createdAt: number;
  expiresAt: number | null;
}

/** Where a sealed secret lives: the associated data it is sealed with, so it opens only there. */
export const secretContext = {
  source: (id: string) => `webhook_sources/${id}`,
  endpoint: (id: string) => `webhook_endpoints/${id}`,
  workspace: (id: string) => `workspaces/${id}`,
};

const dates = { createdAt: z.number(), expiresAt: z.number().nullable() };
/** A stored secret as read from JSON: sealed, or (written before encryption at rest) in clear. */
export const storedSecretSchema = z.union([z.object({ sealed: z.string(), ...dates }), z.object({ secret: z.string(), ...dates })]);
const storedSecretsSchema = z.array(storedSecretSchema);

/** A secret's position as listed (0 is the newest). */
export const secretIndexSchema = z.coerce.number().int().min(0).max(100);

export const secretInput = z.string().min(1).max(512).describe('use this secret (e.g. one the provider generated) instead of generating one');

export const rotateSecretSchema = z
  .object({
    secret: secretInput.optional(),
    graceHours: z.number().min(0).max(24 * 30).default(defaultGraceHours).describe('how long older secrets stay valid; 0 ends them now'),
  })
  .strict();
export type RotateSecret = z.infer<typeof rotateSecretSchema>;

/** The secrets in force at `now`: the newest, and older ones within their grace period. */
export const liveSecrets = <T extends { expiresAt: number | null }>(secrets: readonly T[], now: number): T[] =>
  secrets.filter((s) => s.expiresAt === null || s.expiresAt > now);

/** What the API shows of the live secrets: index and dates, never the value. */
export const secretDates = (secrets: readonly StoredSecret[], now: number) =>
  liveSecrets(secrets, now).map((s, index) => ({ index, createdAt: s.createdAt, expiresAt: s.expiresAt }));

export const sealSecret = (box: SecretBox, context: string, secret: string, now: number): StoredSecret => ({ sealed: box.seal(secret, context), createdAt: now, expiresAt: null });

/** The live secrets, opened (a secret still in clear is taken as it is). */
export const openSecrets = (box: SecretBox, context: string, stored: readonly StoredSecret[], now: number): SigningSecret[] =>
  liveSecrets(storedSecretsSchema.parse(stored), now).map((s) => ({ secret: 'sealed' in s ? box.open(s.sealed, context) : s.secret, createdAt: s.createdAt, expiresAt: s.expiresAt }));

/** The list after a rotation: `fresh` first, the older live ones ending within `graceHours`, at most five. */
export const rotatedSecrets = (stored: readonly StoredSecret[], fresh: StoredSecret, now: number, graceHours: number): StoredSecret[] => {
  const until = now + Math.round(graceHours * 3_600_000);
  const older = liveSecrets(stored, now).map((s): StoredSecret => ({ ...s, expiresAt: s.expiresAt === null ? until : Math.min(s.expiresAt, until) }));
  return [fresh, ...older].filter((s) => s.expiresAt === null || s.expiresAt > now).slice(0, maxLiveSecrets);
};

/** The live list without the secret at `index` (as listed: 0 is the newest, which cannot go). */
export const withoutSecret = (stored: readonly StoredSecret[], index: number, now: number, owner: { what: string; rotatePath: string }): StoredSecret[] => {
  const live = liveSecrets(stored, now);
  if (index >= live.length) throw notFound(`secret ${index} of ${owner.what} (it has ${live.length} current secret${live.length === 1 ? '' : 's'}, 0 to ${live.length - 1})`);
  if (index === 0) throw new ApiError(409, 'secret_in_use', `secret 0 is the newest secret of ${owner.what} and cannot be deleted; rotate first (POST ${owner.rotatePath}), then delete the old one`);
  return live.filter((_s, i) => i !== index);
};

/** The workspace's default signing secret in clear, from its stored form (sealed, or in clear if written before encryption at rest). */
export const openWorkspaceSecret = (box: SecretBox, workspaceId: string, stored: string): string =>
  sealedKeyId(stored) === null ? stored : box.open(stored, secretContext.workspace(workspaceId));
