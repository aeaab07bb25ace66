/**
 * End-to-end tests of the editor's CRM and integration screens in a real Chromium, against the
 * whole product running in-process (see ./support/browser.ts): the navigation shell, the stage
 * model and overview, value clusters with preview and history, the contact strategy (and the
 * dispatcher enforcing its frequency cap), webhook sources with a Standard-Webhooks-signed delivery
 * showing up in the deliveries log, API keys and the audit log. Screenshots of each screen go to
 * test/e2e/output/.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { adminKey, dbKind, expectRefused, haveChromium, shot, signIn, until, writeKey } from './support/browser.js';
import { browserSession } from './support/suite.js';

describe.skipIf(!haveChromium)(`settings screens in Chromium (${dbKind})`, { timeout: 120_000 }, () => {
  const s = browserSession(false);
  const page = () => s().page;
  const api = async <T = unknown>(path: string, init: { method?: string; json?: unknown; auth?: string } = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${s().server.url}${path}`, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers: { authorization: init.auth ?? `Bearer ${adminKey}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const ingest = (path: string, json: unknown) => api(path, { json, auth: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` });
  /** Waits until the worker applied a customer's identify calls (their traits hold `trait`). */
  const traitsApplied = (id: string, trait: string) =>
    until(`${id}'s traits`, async () => {
      const { status, body } = await api<{ traits: Record<string, unknown> }>(`/v1/customers/${id}`);
      return status === 200 && body.traits[trait] !== undefined;
    }, 30_000);
  const nav = async (screen: string, ready: string) => {
    await page().getByTestId(`nav-${screen}`).click();
    await page().getByTestId(ready).waitFor();
  };

  it('shows the navigation shell around the journeys list; every area has a route', async () => {
    const p = page();
    await signIn(p, s().server.url);
    for (const screen of ['journeys', 'customers', 'stages', 'clusters', 'contact-strategy', 'sources', 'keys', 'audit']) await p.getByTestId(`nav-${screen}`).waitFor();
    expect(await p.getByTestId('nav-journeys').getAttribute('aria-current')).toBe('page');
    await shot(p, 's01-shell-journeys');
    // Routes are hashes: a reload lands on the same screen.
    await p.goto(`${s().server.url}/#/keys`);
    await p.getByTestId('key-list').waitFor();
    expect(await p.getByTestId('nav-keys').getAttribute('aria-current')).toBe('page');
    expect(await p.title()).toBe('API keys — Rapport');
    // A link no screen answers to says so, inside the shell, and leads back.
    await p.goto(`${s().server.url}/#/runs/run_123`);
    await p.getByTestId('not-found').waitFor();
    expect(await p.getByTestId('not-found-hash').textContent()).toBe('#/runs/run_123');
    expect(await p.title()).toBe('Page not found — Rapport');
    expect(await p.locator('[aria-current="page"]').count()).toBe(0);
    await shot(p, 's01-not-found');
    await p.getByTestId('not-found').getByRole('link', { name: 'journeys' }).click();
    await p.getByTestId('nav-journeys').and(p.locator('[aria-current="page"]')).waitFor();
  });

  it('edits the stage model: a refused id shows its server message next to the field, the fixed model is saved and shown', async () => {
    // Some customers and moves for the overview (through the API; the worker applies them in order).
    for (const [id, stage] of [['ada', 'identify_attract'], ['bob', 'identify_attract'], ['ada', 'retain_develop']] as const) {
      expect((await api(`/v1/customers/${id}/stage`, { json: { stage, cause: 'e2e' } })).status).toBe(202);
    }
    const p = page();
    await nav('stages', 'stage-model');
    await p.getByTestId('stage-row-6').waitFor();
    expect(await p.getByTestId('stage-model-version').innerText()).toContain('Default model');
    expect(await p.getByTestId('stage-id-0').inputValue()).toBe('selection');

    await p.getByTestId('stage-label-0').fill('Prospect');
    await p.getByTestId('stage-add').click();
    await p.getByTestId('stage-label-7').fill('VIP club');
    // A new stage's id follows its label until typed.
    expect(await p.getByTestId('stage-id-7').inputValue()).toBe('vip_club');
    // Move it above "Phased out".
    await p.getByLabel('move stage 8 up').click();
    expect(await p.getByTestId('stage-label-6').inputValue()).toBe('VIP club');
    // An id used twice: only the server checks it, and names the field.
    await p.getByTestId('stage-id-6').fill('expand');
    await p.getByTestId('stage-save').click();
    await p.getByTestId('stage-id-error-6').getByText('stage id "expand" is used twice; ids are unique').waitFor();
    await expectRefused(s(), 400);
    expect(await p.getByTestId('stage-row-6').getAttribute('class')).toContain('is-invalid');
    await shot(p, 's02-stages-error');

    await p.getByTestId('stage-id-6').fill('vip_club');
    await p.getByTestId('stage-note').fill('VIP club before phase-out');
    await p.getByTestId('stage-save').click();
    await p.getByTestId('stage-model-version').getByText(/Version 1/).waitFor();
    const saved = await api<{ version: number; stages: { id: string; label: string }[]; note: string }>('/v1/settings/stages');
    expect(saved.body.version).toBe(1);
    expect(saved.body.note).toBe('VIP club before phase-out');
    expect(saved.body.stages.map((st) => st.id)).toStrictEqual(['selection', 'identify_attract', 'retain_develop', 'expand', 'keep_reactivate', 'win_back', 'vip_club', 'phased_out']);
    expect(saved.body.stages[0]?.label).toBe('Prospect');

    // The overview counts customers per stage and the moves in the period.
    await until('the stage moves in the overview', async () => {
      await p.getByLabel('refresh the overview').click();
      return (await p.getByTestId('stage-moves').locator('tbody tr').count()) === 2;
    }, 30_000);
    const moves = await p.getByTestId('stage-moves').innerText();
    expect(moves).toMatch(/No stage yet\s*→\s*Identify & attract\s*2/);
    expect(moves).toMatch(/Identify & attract\s*→\s*Retain & develop\s*1/);
    // After a reload the saved model is what the form shows.
    await p.reload();
    await p.getByTestId('stage-row-7').waitFor();
    expect(await p.getByTestId('stage-label-0').inputValue()).toBe('Prospect');
    expect(await p.getByTestId('stage-id-6').inputValue()).toBe('vip_club');
    await p.getByTestId('stage-moves').waitFor();
    await shot(p, 's03-stages', { fullPage: true });
  });

  it('previews a cluster definition (counts per cluster before saving), then saves it as a version', async () => {
    const people: [string, Record<string, unknown>, number | null][] = [
      ['c-star', { lifetime_value: 5000 }, 600],
      ['c-cow', { lifetime_value: 100 }, 300],
      ['c-question', { lifetime_value: 3000 }, null],
      ['c-dog', { lifetime_value: 50 }, 20],
    ];
    for (const [id, traits, revenue] of people) {
      expect((await ingest('/v1/identify', { userId: id, traits })).status).toBe(200);
      if (revenue !== null) expect((await ingest('/v1/track', { userId: id, event: 'Order Completed', properties: { revenue } })).status).toBe(200);
    }
    for (const [id] of people) await traitsApplied(id, 'lifetime_value');

    const p = page();
    await nav('clusters', 'cluster-definition');
    // Defaults: contribution = revenue of Order Completed in the last 365 days, lifetime value = trait.
    expect(await p.getByTestId('measure-type-contribution').inputValue()).toBe('event_sum');
    expect(await p.getByTestId('measure-event-contribution').inputValue()).toBe('Order Completed');
    // The shared schema checks the form as it changes: an empty threshold is an error at the field.
    await p.getByTestId('threshold-contribution').fill('');
    await p.getByTestId('error-threshold-contribution').getByText('enter a number').waitFor();
    expect(await p.getByTestId('cluster-save').isDisabled()).toBe(true);
    await p.getByTestId('threshold-contribution').fill('100');
    await p.getByTestId('threshold-lifetimeValue').fill('2000');
    await p.getByTestId('cluster-preview').click();
    await until('the preview', async () => (await p.getByTestId('cluster-preview-state').innerText()).includes('Preview of'));
    const value = async (cluster: string) => Number(await p.getByTestId(`quadrant-${cluster}-value`).innerText());
    // c-star: 600 ≥ 100 and 5000 ≥ 2000; c-cow: 300 ≥ 100, 100 < 2000; c-question: 0 < 100, 3000 ≥ 2000; c-dog: 20 < 100, 50 < 2000.
    expect({ star: await value('star'), cash_cow: await value('cash_cow'), question_mark: await value('question_mark'), dog: await value('dog') }).toStrictEqual({ star: 1, cash_cow: 1, question_mark: 1, dog: 1 });
    // ada and bob have no lifetime value: no cluster.
    expect(await p.getByTestId('cluster-unclustered').innerText()).toMatch(/Without a cluster \(no data\): 2/);
    // Nothing was saved by the preview.
    expect((await api<{ version: number | null }>('/v1/settings/clusters')).body.version).toBeNull();
    await shot(p, 's04-clusters-preview', { fullPage: true });

    await p.getByTestId('cluster-note').fill('first definition');
    await p.getByTestId('cluster-save').click();
    await p.getByTestId('cluster-notice').getByText(/Version 1 saved/).waitFor();
    await p.getByTestId('cluster-history-1').waitFor();
    const stored = await api<{ version: number; note: string; definition: { thresholds: { contribution: number; lifetimeValue: number } } }>('/v1/settings/clusters');
    expect(stored.body).toMatchObject({ version: 1, note: 'first definition', definition: { thresholds: { contribution: 100, lifetimeValue: 2000 } } });
    // The background recomputation places the customers: the stored counts match the preview.
    await until('the customers to be placed', async () => {
      const { body } = await api<{ counts: Record<string, number> }>('/v1/settings/clusters');
      return body.counts['star'] === 1 && body.counts['dog'] === 1;
    }, 30_000);
    await p.reload();
    await p.getByTestId('cluster-history-1').waitFor();
    expect(await value('star')).toBe(1);
    await shot(p, 's05-clusters-saved', { fullPage: true });
  });

  it('sets a frequency cap in the contact strategy; the server echoes it and the dispatcher enforces it', async () => {
    const p = page();
    await nav('contact-strategy', 'strategy-start');
    await shot(p, 's06-strategy-empty');
    await p.getByTestId('strategy-start').click();
    await p.getByTestId('rules-default').waitFor();
    await p.getByTestId('goal-default').fill('Keep in touch, never pushy');
    await p.getByTestId('cap-default-on').check();
    await p.getByTestId('cap-max-default').fill('1');
    // A period of 0 days is refused by the schema, next to the field; Save waits for a fix.
    await p.getByTestId('cap-days-default').fill('0');
    await p.getByTestId('cap-error-default').waitFor();
    expect(await p.getByTestId('strategy-save').isDisabled()).toBe(true);
    await p.getByTestId('cap-days-default').fill('7');
    await p.getByTestId('cap-error-default').waitFor({ state: 'detached' });
    // Stars get their own rules, with a dialogue script.
    await p.getByTestId('strategy-tab-star').click();
    await p.getByTestId('strategy-own-star').click();
    await p.getByTestId('script-add-star').click();
    await p.getByTestId('script-lines-star-0').fill('Apologise\nExplain what happened\nCall back within 30 minutes with a manager’s offer');
    await p.getByTestId('quiet-star-on').check();
    await p.getByTestId('strategy-zone').fill('Europe/Berlin');
    await p.getByTestId('strategy-note').fill('cap of one');
    await p.getByTestId('strategy-save').click();
    await p.getByTestId('strategy-notice').getByText(/Version 1 saved/).waitFor();
    await p.getByTestId('strategy-in-force').waitFor();
    await shot(p, 's07-strategy', { fullPage: true });

    const echoed = await api<{ version: number; strategy: { default: { frequencyCap: unknown; goal: string }; star: { scripts: unknown; quietHours: unknown }; fallbackTimeZone: string } }>('/v1/settings/contact-strategy');
    expect(echoed.status).toBe(200);
    expect(echoed.body.strategy.default).toMatchObject({ goal: 'Keep in touch, never pushy', frequencyCap: { max: 1, periodDays: 7 } });
    expect(echoed.body.strategy.star.scripts).toStrictEqual([{ name: 'complaint', lines: ['Apologise', 'Explain what happened', 'Call back within 30 minutes with a manager’s offer'] }]);
    expect(echoed.body.strategy.star.quietHours).toStrictEqual({ from: '22:00', to: '08:00' });
    expect(echoed.body.strategy.fallbackTimeZone).toBe('Europe/Berlin');

    // Enforced: a journey sending two emails to one customer gets the second one skipped by the cap.
    const graph = {
      id: 'promo',
      name: 'Promo',
      nodes: [
        { id: 'start', kind: 'trigger_event', params: { event: 'Promo' } },
        { id: 'first', kind: 'send_email', params: { subject: 'Hello', body: 'One' } },
        { id: 'second', kind: 'send_email', params: { subject: 'Again', body: 'Two' } },
        { id: 'done', kind: 'exit', params: {} },
      ],
      edges: [
        { id: 'e1', source: 'start', outcome: 'next', target: 'first' },
        { id: 'e2', source: 'first', outcome: 'next', target: 'second' },
        { id: 'e3', source: 'second', outcome: 'next', target: 'done' },
      ],
    };
    expect((await api('/v1/journeys', { json: graph })).status).toBe(201);
    expect((await api('/v1/journeys/promo/publish', { json: { note: 'cap test' } })).status).toBe(201);
    expect((await ingest('/v1/identify', { userId: 'capped', traits: { email: 'capped@example.com' } })).status).toBe(200);
    expect((await ingest('/v1/track', { userId: 'capped', event: 'Promo' })).status).toBe(200);
    let effects: { nodeId: string; status: string; lastError: string | null }[] = [];
    await until('both emails to be decided', async () => {
      const runs = await api<{ runs: { id: string }[] }>('/v1/runs?customerId=capped');
      const run = runs.body.runs[0];
      if (!run) return false;
      effects = (await api<{ effects: typeof effects }>(`/v1/runs/${run.id}`)).body.effects;
      return effects.length === 2 && effects.every((e) => e.status !== 'pending');
    }, 30_000);
    expect(effects.map((e) => [e.nodeId, e.status])).toStrictEqual([
      ['first', 'sent'],
      ['second', 'skipped'],
    ]);
    expect(effects[1]?.lastError).toContain('frequency cap of 1 marketing message(s) per 7 day(s) reached');
  });

  it('creates a source, shows its secret once, and lists a correctly signed delivery (and a refused one) in its log', async () => {
    const p = page();
    await nav('sources', 'source-new');
    await shot(p, 's08-sources-empty');
    await p.getByTestId('source-new').click();
    await p.getByTestId('source-name').fill('Shop');
    await p.getByTestId('source-id').fill('shop');
    await p.getByTestId('source-map-customer').fill('$.customer.id');
    await p.getByTestId('source-map-event').fill('$.type');
    await p.getByTestId('source-map-properties').fill('$.order');
    await shot(p, 's09-source-create');
    await p.getByTestId('source-create').click();
    await p.getByTestId('source-created').waitFor();
    const secret = await p.getByTestId('source-secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    expect(await p.getByTestId('source-hook-url').inputValue()).toBe(`${s().server.url}/v1/hooks/shop`);
    await shot(p, 's10-source-secret');
    await p.getByTestId('source-created-done').click();
    await p.getByTestId('source-title').getByText('Shop').waitFor();
    expect(p.url()).toContain('#/sources/shop');
    // Shown once: the source's page and its API never show it again.
    expect(await p.locator('body').innerText()).not.toContain(secret);
    expect(JSON.stringify((await api('/v1/sources/shop')).body)).not.toContain(secret);

    // The mapping preview (the server's preview endpoint) on the sample payload and on a broken mapping.
    await p.getByTestId('mapping-preview').click();
    await p.getByTestId('mapping-result').getByText('Order Completed').waitFor();
    expect(await p.getByTestId('mapping-result').innerText()).toContain('cus_123');
    await p.getByTestId('mapping-customerId').fill('$.buyer.id');
    await p.getByTestId('mapping-preview').click();
    await p.getByTestId('mapping-result').getByText(/Would be refused/).waitFor();
    await p.getByTestId('mapping-customerId').fill('$.customer.id');
    await p.getByTestId('deliveries').getByText('Nothing has arrived yet').waitFor();

    // A delivery signed by an independent Standard Webhooks implementation, and one with a wrong signature.
    const body = JSON.stringify({ type: 'Order Completed', customer: { id: 'shopper-1' }, order: { id: 'o-77', total: 42 } });
    const at = new Date();
    const headers = (id: string, signature: string) => ({ 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature });
    const good = await fetch(`${s().server.url}/v1/hooks/shop`, { method: 'POST', headers: headers('msg_good', new Webhook(secret).sign('msg_good', at, body)), body });
    expect(good.status).toBe(202);
    const bad = await fetch(`${s().server.url}/v1/hooks/shop`, { method: 'POST', headers: headers('msg_bad', 'v1,bm90IHRoZSBzaWduYXR1cmU='), body });
    expect(bad.status).toBe(401);

    // The log refreshes by itself every 5 s.
    const rows = p.getByTestId('deliveries-table').locator('tbody tr');
    await until('both deliveries in the log', async () => (await rows.count()) === 2, 20_000);
    expect(await rows.nth(0).innerText()).toMatch(/rejected[\s\S]*401[\s\S]*bad signature/);
    expect(await rows.nth(1).innerText()).toMatch(/accepted[\s\S]*202[\s\S]*msg_good[\s\S]*Order Completed for\s*shopper-1/);
    await rows.nth(1).click();
    const detail = p.locator('[data-testid^=delivery-detail-]');
    await detail.waitFor();
    expect(await detail.innerText()).toContain('"o-77"');
    await shot(p, 's11-source-deliveries', { fullPage: true });

    // Rotation: a new secret, shown once; the old one stays valid for the grace period.
    await p.getByTestId('source-rotate').click();
    await p.getByTestId('rotate-confirm').click();
    const rotated = await p.getByTestId('rotate-secret').inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await p.getByTestId('rotate-done').click();
    await until('two live secrets', async () => (await p.getByTestId('source-secrets').locator('li').count()) === 2);
    await p.getByTestId('nav-sources').click();
    await p.getByTestId('source-row-shop').waitFor();
    await shot(p, 's12-sources');
  });

  it('creates an API key (shown once), sees its last use, and revokes it', async () => {
    const p = page();
    await nav('keys', 'key-list');
    await p.getByTestId('key-new').click();
    await p.getByTestId('key-name').fill('shop backend');
    await p.getByTestId('key-scope-write').check();
    await p.getByTestId('key-create').click();
    const key = await p.getByTestId('key-secret').inputValue();
    expect(key).toMatch(/^rk_write_/);
    await shot(p, 's13-key-created');
    await p.getByTestId('key-done').click();
    const row = p.getByTestId('key-row-shop backend');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/write[\s\S]*never/);
    expect(await p.locator('body').innerText()).not.toContain(key);

    // Used once for ingest: the list shows when.
    const track = await fetch(`${s().server.url}/v1/track`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }, body: JSON.stringify({ userId: 'k1', event: 'Ping' }) });
    expect(track.status).toBe(200);
    await until('the last use to show', async () => {
      await p.reload();
      await row.waitFor();
      return /just now|minute/.test(await row.innerText());
    });

    await p.getByTestId('key-revoke-shop backend').click();
    await p.getByTestId('key-revoke-dialog-confirm').click();
    await p.getByTestId('key-revoked-shop backend').waitFor();
    const refused = await fetch(`${s().server.url}/v1/track`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }, body: JSON.stringify({ userId: 'k1', event: 'Ping' }) });
    expect(refused.status).toBe(401);
    await shot(p, 's14-keys');
  });

  it('lists the audit log a page at a time, newest first, with filters', async () => {
    const p = page();
    await nav('audit', 'audit-table');
    const actions = await p.getByTestId('audit-table').locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(actions[0]).toBe('key.revoke');
    for (const action of ['key.create', 'source.rotate', 'source.create', 'settings.update', 'journey.publish']) expect(actions).toContain(action);
    await shot(p, 's15-audit', { fullPage: true });
    await p.getByTestId('audit-action').selectOption('settings.update');
    await until('only settings updates', async () => {
      const shown = await p.getByTestId('audit-table').locator('tbody tr td:nth-child(2)').allInnerTexts();
      return shown.length === 3 && shown.every((a) => a === 'settings.update');
    });
    expect(await p.getByTestId('audit-pager-next').isDisabled()).toBe(true);
  });

  it('looks a customer up by id: stage, cluster and traits', async () => {
    const p = page();
    await nav('customers', 'customer-id');
    await p.getByTestId('customer-id').fill('c-star');
    await p.getByTestId('customer-lookup').click();
    await p.getByTestId('customer-profile').waitFor();
    expect(await p.getByTestId('customer-cluster').innerText()).toBe('Star');
    expect(await p.getByTestId('customer-traits').innerText()).toContain('"lifetime_value": 5000');
    await p.getByTestId('customer-id').fill('ada');
    await p.getByTestId('customer-lookup').click();
    await until('ada', async () => (await p.getByTestId('customer-stage').innerText()) === 'Retain & develop');
    await shot(p, 's16-customer', { fullPage: true });
  });
});
