import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBoxError, createSecretBox, generateSecretKey, keyIdOf, parseSecretKey, sealedKeyId } from './secret-box.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const failure = (run: () => unknown): SecretBoxError => {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretBoxError) return error;
    throw error;
  }
  throw new Error('expected a SecretBoxError');
};

describe('secret box (AES-256-GCM at rest)', () => {
  it('seals to text that names its key and does not contain the secret, and opens it again', () => {
    const box = createSecretBox(keyA);
    const sealed = box.seal(secret, 'webhook_sources/shop');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
    expect(sealedKeyId(sealed)).toBe(box.keyId);
    expect(box.keyId).toBe(keyIdOf(keyA));
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64url').slice(0, 16));
    expect(box.open(sealed, 'webhook_sources/shop')).toBe(secret);
    // A fresh IV each time: the same secret never seals to the same text.
    expect(box.seal(secret, 'webhook_sources/shop')).not.toBe(sealed);
    expect(box.open(box.seal('', 'x'), 'x')).toBe('');
    expect(box.open(box.seal('Zoë ✓', 'x'), 'x')).toBe('Zoë ✓');
  });

  it('opens a value only where it was sealed, and refuses an altered one', () => {
    const box = createSecretBox(keyA);
    const sealed = box.seal(secret, 'webhook_sources/shop');
    expect(failure(() => box.open(sealed, 'webhook_sources/other'))).toMatchObject({ reason: 'invalid', message: expect.stringContaining('copied from another row') });
    const [prefix, keyId, data = ''] = sealed.split('.');
    const bytes = Buffer.from(data, 'base64url');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(failure(() => box.open(`${prefix}.${keyId}.${bytes.toString('base64url')}`, 'webhook_sources/shop')).reason).toBe('invalid');
    expect(failure(() => box.open(secret, 'webhook_sources/shop')).message).toContain('not a sealed value');
    expect(sealedKeyId(secret)).toBeNull();
  });

  it('names the key a value needs when this box does not have it, and opens values of previous keys', () => {
    const old = createSecretBox(keyA);
    const sealed = old.seal(secret, 'workspaces/default');
    const error = failure(() => createSecretBox(keyB).open(sealed, 'workspaces/default'));
    expect(error.reason).toBe('unknown_key');
    expect(error.message).toContain(`sealed with key ${keyIdOf(keyA)}, but this process has key ${keyIdOf(keyB)}`);
    expect(error.message).toContain('RAPPORT_SECRET_KEY_PREVIOUS');
    const rotated = createSecretBox(keyB, [keyA]);
    expect(rotated.keyIds).toEqual([keyIdOf(keyB), keyIdOf(keyA)]);
    expect(rotated.open(sealed, 'workspaces/default')).toBe(secret);
    expect(sealedKeyId(rotated.seal(secret, 'workspaces/default'))).toBe(keyIdOf(keyB));
  });

  it('reads keys as base64, base64url or hex, and explains anything else', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64url'))).toEqual(key);
    expect(parseSecretKey(` ${key.toString('hex')}\n`)).toEqual(key);
    expect(parseSecretKey(generateSecretKey())).toBeInstanceOf(Buffer);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), randomBytes(33).toString('hex'), 'x'.repeat(44)]) {
      expect(parseSecretKey(bad), bad).toEqual(expect.stringContaining('32 random bytes'));
    }
    expect(() => createSecretBox(randomBytes(16))).toThrow(SecretBoxError);
  });
});
