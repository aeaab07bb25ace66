import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { effects, mailbox } from '../drizzle/schema.js';
import { dispatchBatch } from '../server/runtime/dispatcher.js';
import { effectById, insertCustomer, insertEffect } from './support/effects.js';
import { startHarness, type Harness } from './support/harness.js';

interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on a free port that keeps what it receives; some addresses are refused. */
const startSmtp = async () => {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refuse = (code: number, text: string) => callback(Object.assign(new Error(text), { responseCode: code }));
      if (address.address.startsWith('unknown@')) return refuse(550, 'No such user here');
      if (address.address.startsWith('busy@')) return refuse(451, 'Try again later');
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        received.push({ from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const header = (raw: string, name: string): string | undefined => {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  return unfolded.split(/\r?\n/).find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
};

describe('dispatcher: email over SMTP', () => {
  let h: Harness;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    h = await startHarness({ SMTP_URL: smtp.url, SMTP_FROM: 'Rapport <journeys@rapport.test>', RAPPORT_MAX_ATTEMPTS: 3, RAPPORT_PUBLIC_URL: 'https://crm.example.test/' });
    await insertCustomer(h, 'c_ada', { email: 'ada@example.com' });
    await insertCustomer(h, 'c_no_mail', { email: 'nomail@example.com' }, { email: false });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await smtp.close();
  });
  beforeEach(async () => {
    smtp.received.length = 0;
    await h.services.db.delete(effects);
  });

  it('delivers subject, body and idempotency headers to the SMTP server', async () => {
    const effect = await insertEffect(h, 'email', { to: 'ada@example.com', from: null, subject: 'Thanks for downloading', body: 'Here is more about the e-book.' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    if (!mail) throw new Error('no mail');
    expect(mail.from).toBe('journeys@rapport.test');
    expect(mail.to).toEqual(['ada@example.com']);
    expect(header(mail.raw, 'Subject')).toBe('Thanks for downloading');
    expect(header(mail.raw, 'X-Rapport-Idempotency-Key')).toBe(effect.idempotencyKey);
    expect(header(mail.raw, 'Message-ID')).toBe(`<${effect.idempotencyKey.replaceAll(':', '=3A')}@rapport>`);
    expect(mail.raw).toContain('Here is more about the e-book.');
    const row = await effectById(h, effect.id);
    expect(row).toMatchObject({ status: 'sent', result: { messageId: `<${effect.idempotencyKey.replaceAll(':', '=3A')}@rapport>`, accepted: ['ada@example.com'] } });
    expect(await h.services.db.select().from(mailbox)).toEqual([]);
  });

  it('carries a working RFC 8058 one-click unsubscribe link', async () => {
    await insertCustomer(h, 'c_grace', { email: 'grace@example.com' });
    await insertEffect(h, 'email', { to: 'grace@example.com', from: null, subject: 'News', body: 'News' }, { customerId: 'c_grace' });
    await dispatchBatch(h.services);
    const [mail] = smtp.received;
    if (!mail) throw new Error('no mail');
    expect(header(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const link = /^<(https:\/\/crm\.example\.test\/u\/[A-Za-z0-9_.-]+)>$/.exec(header(mail.raw, 'List-Unsubscribe') ?? '')?.[1];
    expect(link, header(mail.raw, 'List-Unsubscribe')).toBeDefined();
    const path = new URL(link ?? '').pathname;
    const confirm = await h.request(path);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('<form method="post">');
    const posted = await h.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(posted.status).toBe(200);
    const again = await insertEffect(h, 'email', { to: 'grace@example.com', from: null, subject: 'More news', body: 'More news' }, { customerId: 'c_grace' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 1, skipped: 1 });
    expect(await effectById(h, again.id)).toMatchObject({ status: 'skipped', lastError: 'no consent' });
    expect(smtp.received).toHaveLength(1);
    expect((await h.request(`${path.slice(0, -3)}xyz`, { method: 'POST' })).status).toBe(404);
  });

  it('uses the journey\'s sender when it has one', async () => {
    await insertEffect(h, 'email', { to: 'ada@example.com', from: 'Manager <manager@shop.test>', subject: 'Sorry', body: 'A gesture for you.' });
    await dispatchBatch(h.services);
    expect(smtp.received[0]?.from).toBe('manager@shop.test');
  });

  it('skips customers without email consent and fails without an address, sending nothing', async () => {
    const skipped = await insertEffect(h, 'email', { to: 'nomail@example.com', from: null, subject: 'Offer', body: 'Offer' }, { customerId: 'c_no_mail' });
    const missing = await insertEffect(h, 'email', { to: null, from: null, subject: 'Hi', body: 'Hi' }, { customerId: 'c_unknown' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 2, skipped: 1, failed: 1 });
    expect(await effectById(h, skipped.id)).toMatchObject({ status: 'skipped', lastError: 'no consent' });
    expect((await effectById(h, missing.id)).lastError).toContain('customer has no email address (traits.email)');
    expect(smtp.received).toHaveLength(0);
  });

  it('fails on a permanent SMTP rejection (5xx) and retries a transient one (4xx)', async () => {
    const invalid = await insertEffect(h, 'email', { to: 'not an address', from: null, subject: 'Hi', body: 'Hi' });
    const unknown = await insertEffect(h, 'email', { to: 'unknown@example.com', from: null, subject: 'Hi', body: 'Hi' });
    const busy = await insertEffect(h, 'email', { to: 'busy@example.com', from: null, subject: 'Hi', body: 'Hi' });
    expect(await dispatchBatch(h.services)).toMatchObject({ claimed: 3, failed: 2, retried: 1 });
    expect((await effectById(h, invalid.id)).lastError).toContain('No recipients defined');
    const failed = await effectById(h, unknown.id);
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toContain('No such user here');
    const retried = await effectById(h, busy.id);
    expect(retried).toMatchObject({ status: 'pending', attempts: 1 });
    expect(retried.lastError).toContain('Try again later');
  });
});
