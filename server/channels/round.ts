import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../drizzle/db.js';
import type { JsonValue } from '../../workflows/index.js';
import { anyKey, recordset, rowsCte } from '../runtime/batch-statements.js';
import { createBatcher } from '../runtime/batcher.js';
import { loadContactStrategy, type StoredContactStrategy } from '../runtime/contact-strategy.js';
import type { Services } from '../services.js';
import { tokenKey } from './unsubscribe.js';

/**
 * What the effects of one dispatcher round read and write at send time, batched: the round's
 * effects are performed concurrently, and each read or write below made in the same turn of the
 * event loop becomes one statement for all of them (server/runtime/batcher.ts). Reads are cached
 * for the round, which lasts as long as its effects take to perform (milliseconds for the
 * development mailbox, at most the lease for slow providers): "send time" is the round.
 */
export interface CustomerAtSend {
  traits: Record<string, JsonValue>;
  consent: Record<string, boolean>;
  cluster: string | null;
  timezone: string | null;
}

export interface MailboxEntry {
  workspaceId: string;
  idempotencyKey: string;
  channel: 'email' | 'sms' | 'chat';
  recipient: string | null;
  subject: string | null;
  body: string;
}

/** Marketing messages (email, SMS) a customer was sent since the cap and budget windows began. */
export interface SentHistory {
  sentInCapPeriod: number;
  spentInBudgetPeriod: number;
}

export interface DispatchRound {
  /** The contact strategy in force (null while none is saved), read once per workspace and round. */
  contactStrategy(workspaceId: string): Promise<StoredContactStrategy | null>;
  /** The customer as stored now (null when unknown). */
  customer(workspaceId: string, customerId: string): Promise<CustomerAtSend | null>;
  /** Stores a message in the development mailbox; a key already there is a duplicate, not a second message. */
  mailbox(entry: MailboxEntry): Promise<{ mailboxId: string | null; duplicate: boolean }>;
  /** The workspace's unsubscribe token key (null when the workspace has no signing secret). */
  unsubscribeKey(workspaceId: string): Promise<Buffer | null>;
  /**
   * Marketing messages already sent to the customer (status `sent`, every journey) since the given
   * instants (null: no such window), plus those sent earlier in this round.
   */
  sentHistory(workspaceId: string, customerId: string, windows: { capSince: number | null; budgetSince: number | null }): Promise<SentHistory>;
  /** Counts a marketing message sent in this round (its outcome is stored when the round ends). */
  noteSent(workspaceId: string, customerId: string, cost: number): void;
}

const keyOf = (workspaceId: string, customerId: string) => `${workspaceId}\u0000${customerId}`;
/** Later than any instant: a window that does not exist counts nothing. */
const never = 8.64e15;

const cached = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
  let pending = cache.get(key);
  if (!pending) {
    pending = load();
    cache.set(key, pending);
  }
  return pending;
};

export const createDispatchRound = (services: Services): DispatchRound => {
  const { db, now } = services;
  const customers = new Map<string, Promise<CustomerAtSend | null>>();
  const keys = new Map<string, Promise<Buffer | null>>();
  const strategies = new Map<string, Promise<StoredContactStrategy | null>>();
  const histories = new Map<string, Promise<SentHistory>>();
  const sentInRound = new Map<string, SentHistory>();

  const loadCustomers = createBatcher(async (inputs: readonly { workspaceId: string; customerId: string }[]) => {
    const rows = await queryRows<{ i: number; traits: Record<string, JsonValue> | null; consent: Record<string, boolean>; cluster: string | null; timezone: string | null }>(
      db,
      sql`select k.i, c.traits, c.consent, c.cluster, c.timezone
        from ${recordset(inputs.map((k, i) => ({ i, workspace_id: k.workspaceId, customer_id: k.customerId })), 'k', 'i integer, workspace_id text, customer_id text')}
        cross join lateral (select c.* from customers c where c.workspace_id = k.workspace_id and c.id = k.customer_id offset 0) c`,
    );
    const found = new Map(rows.map((r) => [r.i, r]));
    return inputs.map((_, i) => {
      const row = found.get(i);
      return row ? { traits: row.traits ?? {}, consent: row.consent ?? {}, cluster: row.cluster, timezone: row.timezone } : null;
    });
  });

  const insertMailbox = createBatcher(async (entries: readonly MailboxEntry[]) => {
    const at = now();
    const inserted = await queryRows<{ id: string; idempotency_key: string }>(
      db,
      sql`insert into mailbox (id, workspace_id, channel, recipient, subject, body, idempotency_key, sent_at)
        select id, workspace_id, channel, recipient, subject, body, idempotency_key, ${at}
        from ${recordset(
          entries.map((e) => ({ id: `msg_${randomUUID()}`, workspace_id: e.workspaceId, channel: e.channel, recipient: e.recipient, subject: e.subject, body: e.body, idempotency_key: e.idempotencyKey })),
          'x',
          'id text, workspace_id text, channel text, recipient text, subject text, body text, idempotency_key text',
        )}
        on conflict (idempotency_key) do nothing
        returning id, idempotency_key`,
    );
    const fresh = new Map(inserted.map((r) => [r.idempotency_key, r.id]));
    const repeated = entries.filter((e) => !fresh.has(e.idempotencyKey)).map((e) => e.idempotencyKey);
    const earlier = new Map<string, string>();
    if (repeated.length > 0) {
      const rows = await queryRows<{ id: string; idempotency_key: string }>(
        db,
        sql`with ${rowsCte('x', repeated.map((key) => ({ key })), 'key text')}
          select m.id, m.idempotency_key from mailbox m where m.idempotency_key = ${anyKey('x', 'key')}`,
      );
      for (const row of rows) earlier.set(row.idempotency_key, row.id);
    }
    // A key stored twice in one batch: the first entry is the message, the second its duplicate.
    const claimed = new Set<string>();
    return entries.map((e) => {
      const id = fresh.get(e.idempotencyKey);
      if (id !== undefined && !claimed.has(e.idempotencyKey)) {
        claimed.add(e.idempotencyKey);
        return { mailboxId: id, duplicate: false };
      }
      return { mailboxId: id ?? earlier.get(e.idempotencyKey) ?? null, duplicate: true };
    });
  });

  const loadHistories = createBatcher(async (inputs: readonly { workspaceId: string; customerId: string; capSince: number | null; budgetSince: number | null }[]) => {
    const rows = await queryRows<{ i: number; cap_count: number; budget_cost: number }>(
      db,
      sql`select k.i,
          count(e.id) filter (where e.sent_at >= k.cap_since)::int as cap_count,
          coalesce(sum(e.cost) filter (where e.sent_at >= k.budget_since), 0)::float8 as budget_cost
        from ${recordset(
          inputs.map((k, i) => ({ i, workspace_id: k.workspaceId, customer_id: k.customerId, cap_since: k.capSince ?? never, budget_since: k.budgetSince ?? never })),
          'k',
          'i integer, workspace_id text, customer_id text, cap_since bigint, budget_since bigint',
        )}
        left join lateral (
          select e.id, e.sent_at, e.cost from effects e where e.workspace_id = k.workspace_id and e.customer_id = k.customer_id
            and e.status = 'sent' and e.channel in ('email', 'sms') and e.sent_at >= least(k.cap_since, k.budget_since) offset 0
        ) e on true
        group by k.i`,
    );
    const found = new Map(rows.map((r) => [r.i, r]));
    return inputs.map((_, i) => ({ sentInCapPeriod: Number(found.get(i)?.cap_count ?? 0), spentInBudgetPeriod: Number(found.get(i)?.budget_cost ?? 0) }));
  });

  return {
    contactStrategy: (workspaceId) => cached(strategies, workspaceId, () => loadContactStrategy(db, workspaceId)),
    customer: (workspaceId, customerId) => cached(customers, keyOf(workspaceId, customerId), () => loadCustomers({ workspaceId, customerId })),
    mailbox: (entry) => insertMailbox(entry),
    unsubscribeKey: (workspaceId) => cached(keys, workspaceId, () => tokenKey(services, workspaceId)),
    async sentHistory(workspaceId, customerId, windows) {
      // The stored history once per customer and round; messages of this round are not stored yet.
      const key = keyOf(workspaceId, customerId);
      const stored = await cached(histories, key, () => loadHistories({ workspaceId, customerId, ...windows }));
      const round = sentInRound.get(key);
      return round ? { sentInCapPeriod: stored.sentInCapPeriod + round.sentInCapPeriod, spentInBudgetPeriod: stored.spentInBudgetPeriod + round.spentInBudgetPeriod } : stored;
    },
    noteSent(workspaceId, customerId, cost) {
      const key = keyOf(workspaceId, customerId);
      const round = sentInRound.get(key) ?? { sentInCapPeriod: 0, spentInBudgetPeriod: 0 };
      sentInRound.set(key, { sentInCapPeriod: round.sentInCapPeriod + 1, spentInBudgetPeriod: round.spentInBudgetPeriod + cost });
    },
  };
};
