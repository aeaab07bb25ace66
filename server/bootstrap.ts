import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { eq } from 'drizzle-orm';
import { sql, type Executor } from '../drizzle/db.js';
import { apiKeys, workspaces } from '../drizzle/schema.js';
import { generateKey, hashKey, type KeyScope } from './keys.js';
import { openWorkspaceSecret, secretContext } from './runtime/secret-list.js';
import type { SecretBox } from './secret-box.js';
import type { Services } from './services.js';

export interface Bootstrap {
  workspaceId: string;
  /** The workspace's default Standard Webhooks signing secret (generated at first start, then kept sealed). */
  webhookSecret: string;
  created: boolean;
  /** Keys generated now (shown once); empty when the workspace already existed or keys came from settings. */
  generatedKeys: { scope: KeyScope; key: string }[];
}

/** First start: creates the default workspace and its admin and write keys (from settings, or generated). */
export const bootstrapWorkspace = async (
  services: Pick<Services, 'db' | 'now' | 'secrets'>,
  keys: { admin?: string | undefined; write?: string | undefined },
  log?: Logger,
): Promise<Bootstrap> =>
  // Replicas of a new deployment start at once: one of them bootstraps, the others wait and see it done.
  services.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${bootstrapLockKey})`);
    return bootstrapLocked(tx, services.now, services.secrets, keys, log);
  });

/** Advisory lock id for first-start bootstrapping. */
const bootstrapLockKey = 0x7261_7070_6f73;

const bootstrapLocked = async (
  db: Executor,
  now: () => number,
  box: SecretBox,
  keys: { admin?: string | undefined; write?: string | undefined },
  log?: Logger,
): Promise<Bootstrap> => {
  const [existing] = await db.select().from(workspaces).limit(1);
  const workspaceId = existing?.id ?? 'default';
  const generatedKeys: Bootstrap['generatedKeys'] = [];
  let webhookSecret = existing?.webhookSecret ? openWorkspaceSecret(box, workspaceId, existing.webhookSecret) : null;
  if (!existing || !webhookSecret) {
    webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const sealed = box.seal(webhookSecret, secretContext.workspace(workspaceId));
    if (existing) await db.update(workspaces).set({ webhookSecret: sealed }).where(eq(workspaces.id, workspaceId));
    else await db.insert(workspaces).values({ id: workspaceId, name: 'Default workspace', webhookSecret: sealed, createdAt: now() });
  }
  const ensure = async (scope: KeyScope, configured: string | undefined, name: string): Promise<void> => {
    if (configured) {
      const hash = hashKey(configured);
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1);
      if (!row) {
        await db.insert(apiKeys).values({ id: randomUUID(), workspaceId, scope, hash, prefix: configured.slice(0, 12), name: `${name} (from settings)`, createdAt: now() });
        log?.info({ scope }, 'registered key from settings');
      }
      return;
    }
    if (existing) return;
    const key = generateKey(scope);
    await db.insert(apiKeys).values({ id: randomUUID(), workspaceId, scope, hash: hashKey(key), prefix: key.slice(0, 12), name, createdAt: now() });
    generatedKeys.push({ scope, key });
  };
  await ensure('admin', keys.admin, 'Admin key');
  await ensure('write', keys.write, 'Write key');
  return { workspaceId, webhookSecret, created: !existing, generatedKeys };
};
