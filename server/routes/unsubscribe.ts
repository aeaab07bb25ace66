import { Hono, type Context } from 'hono';
import { readUnsubscribeToken, type UnsubscribeTarget } from '../channels/unsubscribe.js';
import { recordAudit } from '../runtime/audit.js';
import { writeConsent } from '../runtime/consent.js';
import { customerHash } from '../runtime/privacy.js';
import type { AppEnv } from '../services.js';

/**
 * One-click unsubscribe (RFC 8058), no key: the token in the link is the authorisation.
 * `GET /u/:token` shows a confirmation page with one button (mail scanners that follow links must
 * not unsubscribe anyone); `POST /u/:token` — the button, or the mail client's one-click POST with
 * `List-Unsubscribe=One-Click` — sets `consent.<channel> = false`. A bad token answers 404.
 */
const page = (c: Context<AppEnv>, status: 200 | 404, title: string, body: string) =>
  c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title>` +
      `<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style></head>` +
      `<body><h1>${title}</h1>${body}</body></html>`,
    status,
    { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'", 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
  );

const invalid = (c: Context<AppEnv>) => page(c, 404, 'Link not valid', '<p>This unsubscribe link is not valid (it may be incomplete). Please use the link from a recent message.</p>');
const channelName = (target: UnsubscribeTarget): string => (target.channel === 'email' ? 'emails' : 'text messages');

export const unsubscribeRoutes = new Hono<AppEnv>()
  .get('/u/:token', async (c) => {
    const target = await readUnsubscribeToken(c.var.services, c.req.param('token'));
    if (!target) return invalid(c);
    return page(c, 200, 'Unsubscribe', `<p>Stop receiving marketing ${channelName(target)} from us?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`);
  })
  .post('/u/:token', async (c) => {
    const { services } = c.var;
    const target = await readUnsubscribeToken(services, c.req.param('token'));
    if (!target) return invalid(c);
    const at = services.now();
    await services.db.transaction(async (tx) => {
      // A customer deleted meanwhile has nothing left to unsubscribe: still a success for the recipient.
      const consent = await writeConsent(tx, target.workspaceId, target.customerId, { [target.channel]: false }, at);
      if (consent) {
        await recordAudit(tx, { workspaceId: target.workspaceId, actorKeyId: null, action: 'customer.consent', targetType: 'customer', targetId: customerHash(target.workspaceId, target.customerId), details: { [target.channel]: false, via: 'unsubscribe link' }, at });
      }
    });
    services.log.info({ channel: target.channel }, 'unsubscribed through a one-click link');
    return page(c, 200, 'Unsubscribed', `<p>You will no longer receive marketing ${channelName(target)} from us.</p>`);
  });
