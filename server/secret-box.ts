import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (webhook source secrets, outbound endpoint secrets, the workspace's default signing
 * secret) are sealed with AES-256-GCM under the installation's secret key (RAPPORT_SECRET_KEY). A
 * sealed value is text: `v1.<key id>.<base64url(12-byte IV | ciphertext | 16-byte tag)>`. The key id
 * (8 hex digits of a hash of the key) says which key sealed it, so a wrong key is named as such
 * instead of failing as "corrupt", and values sealed under a previous key can be opened and sealed
 * again. The associated data is where the value lives (e.g. "webhook_sources/shop"): a sealed
 * value copied into another row does not open there. Pure apart from the random IV.
 */
export interface SecretBox {
  /** The id of the key new values are sealed with. */
  readonly keyId: string;
  /** Every key id this box can open (the current one first). */
  readonly keyIds: readonly string[];
  seal(plaintext: string, context: string): string;
  /** Opens a sealed value; throws `SecretBoxError` for an unknown key or a value altered or moved. */
  open(sealed: string, context: string): string;
}

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  /** `unknown_key`: sealed with a key this process does not have (a setting to fix); `invalid`: not a sealed value, altered, or moved. */
  constructor(readonly reason: 'unknown_key' | 'invalid', message: string) {
    super(message);
  }
}

const version = 'v1';
const sealedPattern = /^v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{38,})$/;
export const secretKeyBytes = 32;

/** The key id of a sealed value, or null when the text is not a sealed value (e.g. a secret stored in clear). */
export const sealedKeyId = (value: string): string | null => sealedPattern.exec(value)?.[1] ?? null;

/** The public name of a key: 8 hex digits of SHA-256 over a label and the key (says nothing about the key). */
export const keyIdOf = (key: Buffer): string => createHash('sha256').update('rapport secret key id\u0000').update(key).digest('hex').slice(0, 8);

/** A fresh key as RAPPORT_SECRET_KEY takes it: base64 of 32 random bytes. */
export const generateSecretKey = (): string => randomBytes(secretKeyBytes).toString('base64');

/** The command that prints a new key, for error messages and the README. */
export const secretKeyCommand = `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`;

/** Reads a key written as base64 (standard or URL alphabet) or as 64 hex digits; a string saying what is wrong otherwise. */
export const parseSecretKey = (text: string): Buffer | string => {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === secretKeyBytes) return key;
  }
  return `a secret key is 32 random bytes written as base64 (44 characters) or hex (64 digits); make one with ${secretKeyCommand}`;
};

/** A box that seals with `current` and opens values sealed with `current` or any of `previous`. */
export const createSecretBox = (current: Buffer, previous: readonly Buffer[] = []): SecretBox => {
  if (current.length !== secretKeyBytes) throw new SecretBoxError('invalid', `a secret key has ${secretKeyBytes} bytes, not ${current.length}`);
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...previous]) if (!keys.has(keyIdOf(key))) keys.set(keyIdOf(key), key);
  const keyId = keyIdOf(current);
  return {
    keyId,
    keyIds: [...keys.keys()],
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${version}.${keyId}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open(sealed, context) {
      const match = sealedPattern.exec(sealed);
      if (!match?.[1] || !match[2]) throw new SecretBoxError('invalid', `the secret at ${context} is not a sealed value`);
      const key = keys.get(match[1]);
      if (!key) {
        throw new SecretBoxError(
          'unknown_key',
          `the secret at ${context} was sealed with key ${match[1]}, but this process has key ${[...keys.keys()].join(', ')}; set RAPPORT_SECRET_KEY to the key it was sealed with (or add that key to RAPPORT_SECRET_KEY_PREVIOUS)`,
        );
      }
      const bytes = Buffer.from(match[2], 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('invalid', `the secret at ${context} does not open: it was altered, or it was copied from another row`);
      }
    },
  };
};
