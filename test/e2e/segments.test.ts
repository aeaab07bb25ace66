/**
 * End-to-end test of the Segments screen in a real Chromium, against the whole product running
 * in-process (see ./support/browser.ts): a segment is defined in the rule builder (a trait condition
 * and an event-history leaf), checked as it is typed, previewed (the count before saving), refused
 * by the server on a stage the workspace no longer has (shown at the condition), created, and then
 * listed with its member count once every customer is evaluated; its members link to the customer
 * screen; a segment trigger in the journey canvas picks it from a select. Screenshots go to
 * test/e2e/output/.
 */
import { describe, expect, it } from 'vitest';
import { adminApi, dbKind, expectRefused, haveChromium, segment, shot, signIn, until } from './support/browser.js';
import { browserSession } from './support/suite.js';

interface CustomerEvents {
  events: { name: string | null; processedAt: number | null }[];
}

describe.skipIf(!haveChromium)(`segments screen in Chromium (${dbKind})`, { timeout: 120_000 }, () => {
  const s = browserSession(false);
  const page = () => s().page;

  it('lists no segments at first, with a way to create one', async () => {
    // Three customers: two on the pro plan, one of them with three page views this week.
    const people: [string, string, number][] = [
      ['seg-ada', 'pro', 3],
      ['seg-bob', 'pro', 1],
      ['seg-cy', 'free', 3],
    ];
    for (const [userId, plan, views] of people) {
      await segment(s(), 'identify', { userId, traits: { plan } });
      for (let i = 0; i < views; i += 1) await segment(s(), 'track', { userId, event: 'Page Viewed', messageId: `${userId}-view-${i}` });
    }
    for (const [userId, , views] of people) {
      await until(`${userId}'s events to be applied`, async () => {
        const { events } = await adminApi<CustomerEvents>(s(), `/v1/customers/${userId}`);
        return events.filter((e) => e.name === 'Page Viewed' && e.processedAt !== null).length === views;
      }, 30_000);
    }
    const p = page();
    await signIn(p, s().server.url);
    await p.getByTestId('nav-segments').click();
    await p.getByTestId('segment-new-first').waitFor();
    expect(await p.getByTestId('nav-segments').getAttribute('aria-current')).toBe('page');
    expect(await p.title()).toBe('Segments — Rapport');
    await shot(p, 'g01-segments-empty');
  });

  it('checks the definition as it is typed, previews the count, shows a server refusal at its condition, and creates the segment', async () => {
    const p = page();
    await p.getByTestId('segment-new').click();
    await p.getByTestId('segment-form').waitFor();
    // The name is required by the server's schema, checked in the browser.
    await p.getByTestId('segment-name-error').getByText('name the segment').waitFor();
    expect(await p.getByTestId('segment-save').isDisabled()).toBe(true);
    await p.getByTestId('segment-name').fill('Engaged readers');
    await p.getByTestId('segment-description').fill('Three page views in a week, paying plan');

    // customer.traits.plan is "pro" …
    await p.getByTestId('rule-add-condition-root').click();
    const plan = p.getByTestId('rule-condition-0');
    await plan.getByLabel('name', { exact: true }).fill('plan');
    await plan.getByLabel('value', { exact: true }).fill('pro');
    // … and did "Page Viewed" at least 3 times in the last 7 days.
    await p.getByTestId('rule-add-event-root').click();
    const views = p.getByTestId('rule-event-1');
    await views.getByText('name the event, e.g. "Order Completed"').waitFor();
    expect(await p.getByTestId('segment-preview').isDisabled()).toBe(true);
    await views.getByLabel('event name').fill('Page Viewed');
    await views.getByLabel('at least').fill('3');
    await views.getByLabel('days', { exact: true }).fill('7');
    await views.getByText('name the event', { exact: false }).waitFor({ state: 'detached' });

    // The preview counts every customer under the form's definition; nothing is saved.
    await p.getByTestId('segment-preview').click();
    await until('the preview', async () => (await p.getByTestId('segment-preview-members').innerText()) === '1');
    expect(await p.getByTestId('segment-preview-card').innerText()).toMatch(/of 3 customers would be in it now/);
    expect(await p.getByTestId('segment-preview-sample').innerText()).toBe('seg-ada');
    expect((await adminApi<{ segments: unknown[] }>(s(), '/v1/segments')).segments).toStrictEqual([]);
    await shot(p, 'g02-segment-preview', { fullPage: true });

    // The stage model changes after the form loaded it: the form's stage list is stale, the server refuses
    // the stage it no longer has and names the condition, and the message shows there.
    await adminApi(s(), '/v1/settings/stages', {
      method: 'PUT',
      body: { stages: [{ id: 'identify_attract', label: 'Identify & attract' }, { id: 'retain_develop', label: 'Retain & develop' }] },
    });
    await p.getByTestId('rule-add-condition-root').click();
    const stage = p.getByTestId('rule-condition-2');
    await stage.getByLabel('field').selectOption('customer.stage');
    await stage.getByLabel('operator').selectOption('neq');
    await stage.getByLabel('value', { exact: true }).selectOption('win_back');
    // A changed definition makes the preview stale.
    await p.getByTestId('segment-preview-state').getByText('The definition changed since this preview').waitFor();
    await p.getByTestId('segment-save').click();
    await stage.getByText('"win_back" is not a stage of this workspace', { exact: false }).waitFor();
    await expectRefused(s(), 400);
    // The server named the field, so the message is at the condition, not above the form.
    expect(await p.getByTestId('segment-error').count()).toBe(0);
    await shot(p, 'g03-segment-refused', { fullPage: true });
    await stage.getByLabel('remove condition').click();

    await p.getByTestId('segment-save').click();
    await p.getByTestId('segment-title').getByText('Engaged readers').waitFor();
    expect(p.url()).toContain('#/segments/engaged-readers');
    // Every customer is evaluated in the background; the page follows until it is done.
    await until('the member count', async () => (await p.getByTestId('segment-member-count').innerText()) === '1 customer', 30_000);
    const member = p.getByTestId('segment-member-seg-ada');
    await member.waitFor();
    expect(await member.getAttribute('href')).toBe('#/customers/seg-ada');
    const stored = await adminApi<{ name: string; description: string; definition: unknown; members: number }>(s(), '/v1/segments/engaged-readers');
    expect(stored).toMatchObject({
      name: 'Engaged readers',
      description: 'Three page views in a week, paying plan',
      members: 1,
      definition: {
        rule: {
          kind: 'group',
          combinator: 'and',
          rules: [
            { kind: 'condition', field: 'customer.traits.plan', operator: 'eq', value: 'pro' },
            { kind: 'event_history', event: 'Page Viewed', atLeast: 3, withinDays: 7 },
          ],
        },
      },
    });
    await shot(p, 'g04-segment-detail', { fullPage: true });
  });

  it('lists the segment with its member count, and opens a member on the customer screen', async () => {
    const p = page();
    await p.getByTestId('nav-segments').click();
    const row = p.getByTestId('segment-row-engaged-readers');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Engaged readers\s*engaged-readers\s*Three page views in a week, paying plan\s*1\s*(just now|1 minute ago)/);
    expect(await p.getByTestId('segment-members-engaged-readers').innerText()).toBe('1');
    await shot(p, 'g05-segments');
    await p.getByTestId('segment-open-engaged-readers').click();
    await p.getByTestId('segment-member-seg-ada').click();
    await p.getByTestId('customer-profile').waitFor();
    expect(p.url()).toContain('#/customers/seg-ada');
  });

  it('picks the segment in a segment trigger of the journey canvas (an unknown id stays visible)', async () => {
    const graph = {
      id: 'welcome-readers',
      name: 'Welcome readers',
      nodes: [
        { id: 'entered', kind: 'trigger_segment_entered', params: { segmentId: 'old-readers' } },
        { id: 'done', kind: 'exit', params: {} },
      ],
      edges: [{ id: 'e1', source: 'entered', outcome: 'next', target: 'done' }],
    };
    await adminApi(s(), '/v1/journeys', { body: graph });
    const p = page();
    await p.goto(`${s().server.url}/#/journeys/welcome-readers`);
    await p.getByTestId('node-entered').locator('.node-head').click();
    const select = p.getByTestId('field-segmentId').locator('select');
    await select.waitFor();
    expect(await select.locator('option:checked').innerText()).toBe('old-readers (not found)');
    // Live validation knows the workspace's segments, as the server does at publish.
    expect(await p.getByTestId('node-badge-entered').getAttribute('class')).toContain('node-badge-error');
    expect(await select.locator('option').allInnerTexts()).toContain('Engaged readers (engaged-readers)');
    await select.selectOption('engaged-readers');
    await until('the draft to be saved', async () => {
      const journey = await adminApi<{ draft: { nodes: { id: string; params: { segmentId?: string } }[] } }>(s(), '/v1/journeys/welcome-readers');
      return journey.draft.nodes.find((n) => n.id === 'entered')?.params.segmentId === 'engaged-readers';
    });
    await p.getByTestId('save-indicator').getByText('Saved').waitFor();
    await p.getByTestId('node-badge-entered').waitFor({ state: 'detached' });
    await shot(p, 'g06-segment-trigger');

    // When the segments cannot be loaded, the id can still be typed (the server's answer is shown).
    await p.route('**/v1/segments', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'try again in a minute' } }) }));
    await p.reload();
    await p.getByTestId('node-entered').locator('.node-head').click();
    const field = p.getByTestId('field-segmentId');
    await field.getByText('Could not load segments: try again in a minute; type the id instead.').waitFor();
    expect(await field.locator('input').inputValue()).toBe('engaged-readers');
    await expectRefused(s(), 503);
    await p.unroute('**/v1/segments');
  });

  it('pages through the members of a large segment', async () => {
    // 55 customers of one cohort: more than a page (50).
    const ids = Array.from({ length: 55 }, (_, i) => `cohort-${String(i).padStart(2, '0')}`);
    for (const userId of ids) await segment(s(), 'identify', { userId, traits: { cohort: 'spring' } });
    await adminApi(s(), '/v1/segments', {
      body: { name: 'Spring cohort', definition: { rule: { kind: 'condition', field: 'customer.traits.cohort', operator: 'eq', value: 'spring' } } },
    });
    await until('every cohort member to be found', async () => (await adminApi<{ members: number }>(s(), '/v1/segments/spring-cohort')).members === 55, 30_000);
    const p = page();
    await p.goto(`${s().server.url}/#/segments/spring-cohort`);
    const rows = p.getByTestId('segment-members-table').locator('tbody tr');
    await until('the first page', async () => (await rows.count()) === 50);
    expect(await rows.first().innerText()).toContain('cohort-00');
    await p.getByTestId('segment-members-pager-next').click();
    await until('the second page', async () => (await rows.count()) === 5);
    expect(await rows.first().innerText()).toContain('cohort-50');
    expect(await p.getByTestId('segment-members-pager-next').isDisabled()).toBe(true);
    await p.getByTestId('segment-members-pager-previous').click();
    await until('the first page again', async () => (await rows.count()) === 50);
    await adminApi(s(), '/v1/segments/spring-cohort', { method: 'DELETE' });
  });

  it('deletes the segment after a confirmation', async () => {
    const p = page();
    await p.goto(`${s().server.url}/#/segments/engaged-readers`);
    await p.getByTestId('segment-delete').click();
    await p.getByTestId('segment-delete-dialog-confirm').click();
    await p.getByTestId('segment-new-first').waitFor();
    expect((await adminApi<{ segments: unknown[] }>(s(), '/v1/segments')).segments).toStrictEqual([]);
  });
});
