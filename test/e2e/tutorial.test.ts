/**
 * The README's tutorial ("Tutorial: build the win-back journey"), step by step, in a real
 * Chromium against the whole product: a journey built from an empty canvas by drag and drop,
 * configured through the settings panel, published, tried in test mode on both paths, and watched
 * in the live view while a Segment track call runs a real customer through it. If this test has
 * to change, the tutorial has to change with it.
 */
import { describe, expect, it } from 'vitest';
import { adminApi, dbKind, fit, haveChromium, segment, settle, shot, signIn, until } from './support/browser.js';
import { connectSteps, dropStep, selectStep } from './support/canvas.js';
import { browserSession } from './support/suite.js';

interface Mailbox {
  messages: { recipient: string; subject: string | null }[];
}

describe.skipIf(!haveChromium)(`README tutorial: the win-back journey from scratch (${dbKind})`, { timeout: 180_000 }, () => {
  const session = browserSession(false);
  const page = () => session().page;
  const field = (path: string) => page().getByTestId(`field-${path}`);
  const highlighted = async (id: string) => ((await page().getByTestId(`node-${id}`).getAttribute('class')) ?? '').includes('is-highlighted');

  it('steps 1–9: a new journey, its steps dropped from the palette, configured and connected', async () => {
    const p = page();
    await signIn(p, session().server.url);
    await p.getByTestId('new-journey').click();
    await p.getByTestId('name-input').fill('My win-back');
    await p.getByTestId('name-submit').click();
    await p.getByTestId('canvas-empty').waitFor();
    // Zoomed out so ten steps fit in three rows with room for the connections.
    for (let i = 0; i < 6; i += 1) await p.locator('.react-flow__controls-zoomout').click();
    await settle(p);

    // 3. The trigger, with its condition on the lifecycle stage.
    await dropStep(p, 'trigger_event', 60, 100, 'trigger-event');
    await until('the empty event name badge', async () => /name the event/.test((await p.getByTestId('node-badge-trigger-event').getAttribute('title')) ?? ''));
    await selectStep(p, 'trigger-event');
    await field('event').locator('input').fill('Inactive 60 Days');
    await p.getByTestId('node-settings').getByText('Add conditions').click();
    const condition = p.getByTestId('rule-condition-0');
    await condition.getByLabel('field', { exact: true }).selectOption('customer.stage');
    await condition.getByLabel('operator').selectOption('neq');
    await condition.locator('.rule-condition-value select:not([aria-label=operator])').selectOption('phased_out');
    await until('the trigger summary', async () => /Phased out/.test(await p.getByTestId('node-trigger-event').innerText()));

    // 4–7. The main line: stage, incentive, email, wait.
    await dropStep(p, 'set_stage', 185, 100, 'set-stage');
    await selectStep(p, 'set-stage');
    await field('stage').locator('select').selectOption('win_back');
    await dropStep(p, 'give_incentive', 310, 100, 'give-incentive');
    await selectStep(p, 'give-incentive');
    await field('type').locator('select').selectOption('percent_discount');
    await field('code').locator('input').fill('COMEBACK15');
    await field('value').locator('input').fill('15');
    await field('currency').locator('input').fill('EUR');
    await field('cost').locator('input').fill('9');
    await field('expiresInDays').locator('input').fill('14');
    await dropStep(p, 'send_email', 435, 100, 'send-email');
    await selectStep(p, 'send-email');
    await field('subject').locator('input').first().fill('We miss you, {{ customer.traits.first_name | default: "friend" }}');
    await field('body').locator('textarea').fill('Use the code COMEBACK15 for 15 % off your next order; it is valid for 14 days.');
    await field('subject').locator('.template-preview').waitFor();
    await dropStep(p, 'wait_for_event', 560, 100, 'wait-for-event');
    await selectStep(p, 'wait-for-event');
    await field('event').locator('input').fill('Order Completed');
    await field('timeout').locator('input').fill('14');
    await field('timeout').locator('select').selectOption('days');

    // 8. Received → retain & develop → goal.
    await dropStep(p, 'set_stage', 435, 240, 'set-stage-2');
    await selectStep(p, 'set-stage-2');
    await field('stage').locator('select').selectOption('retain_develop');
    await dropStep(p, 'goal_reached', 560, 240, 'goal-reached');
    await selectStep(p, 'goal-reached');
    await field('label').locator('input').fill('won back');

    // 9. Timed out → goodbye → phased out → exit.
    await dropStep(p, 'send_email', 310, 380, 'send-email-2');
    await selectStep(p, 'send-email-2');
    await field('subject').locator('input').first().fill('Goodbye for now, {{ customer.traits.first_name | default: "friend" }}');
    await field('body').locator('textarea').fill('We will stop sending you offers. Your account stays open whenever you want to come back.');
    await dropStep(p, 'set_stage', 435, 380, 'set-stage-3');
    await selectStep(p, 'set-stage-3');
    await field('stage').locator('select').selectOption('phased_out');
    await dropStep(p, 'exit', 560, 380, 'exit');

    await p.keyboard.press('Escape');
    await p.getByTestId('findings-list').waitFor();
    await connectSteps(p, 'trigger-event', 'next', 'set-stage');
    await connectSteps(p, 'set-stage', 'next', 'give-incentive');
    await connectSteps(p, 'give-incentive', 'next', 'send-email');
    await connectSteps(p, 'send-email', 'next', 'wait-for-event');
    await connectSteps(p, 'wait-for-event', 'received', 'set-stage-2');
    await connectSteps(p, 'set-stage-2', 'next', 'goal-reached');
    await connectSteps(p, 'wait-for-event', 'timed_out', 'send-email-2');
    await connectSteps(p, 'send-email-2', 'next', 'set-stage-3');
    await connectSteps(p, 'set-stage-3', 'next', 'exit');
    expect(await p.locator('.react-flow__node').count()).toBe(10);
  });

  it('step 10: entry policy, no problems left, tidy up, publish with a note', async () => {
    const p = page();
    await p.getByTestId('field-entry').locator('select').selectOption('every_time');
    // "Every time" comes with a cooldown of 1 day; make it 180.
    await p.locator('input#entry-cooldown').fill('180');
    await until('no errors left', async () => (await p.locator('.finding-error').count()) === 0);
    await p.getByTestId('auto-layout').click();
    await until('publish to be enabled', () => p.getByTestId('publish-button').isEnabled());
    await p.getByTestId('publish-button').click();
    await p.getByTestId('publish-note').fill('first version');
    await p.getByTestId('publish-confirm').click();
    await p.getByTestId('published-banner').getByText('Version 1 is live.').waitFor();
    // Publishing again without a change is refused in the dialog (it would only add an identical version).
    await p.getByTestId('publish-button').click();
    await p.getByTestId('publish-unchanged').waitFor();
    await p.getByTestId('publish-note').fill('again');
    expect(await p.getByTestId('publish-confirm').isDisabled()).toBe(true);
    expect(await p.getByTestId('publish-confirm').getAttribute('title')).toBe('Nothing changed since version 1');
    await p.getByTestId('publish-dialog').getByRole('button', { name: 'Cancel' }).click();
    const [journey] = (await adminApi<{ journeys: { id: string; name: string; status: string; liveVersion: number | null }[] }>(session(), '/v1/journeys')).journeys.filter((j) => j.name === 'My win-back');
    expect(journey).toMatchObject({ status: 'live', liveVersion: 1 });
    const detail = await adminApi<{ draft: { settings: { entry: unknown } } }>(session(), `/v1/journeys/${journey?.id ?? ''}`);
    expect(detail.draft.settings.entry).toEqual({ mode: 'every_time', cooldown: { amount: 180, unit: 'days' } });
    await fit(p);
    await shot(p, 't01-tutorial-published');
  });

  it('step 11: test mode — an order on day 2 reaches the goal, silence until day 20 ends in the goodbye', async () => {
    const p = page();
    await p.getByTestId('mode-test').click();
    await p.getByTestId('test-customer-id').fill('grace');
    await p.getByTestId('test-traits').fill('{"first_name": "Grace"}');
    expect(await p.getByTestId('test-event-0').getByLabel('event name').inputValue()).toBe('Inactive 60 Days');
    await p.getByTestId('test-add-event').click();
    const second = p.getByTestId('test-event-1');
    await second.getByLabel('when').fill('+2d');
    await second.getByLabel('event name').fill('Order Completed');
    await p.getByTestId('test-run').click();
    await p.getByTestId('test-step-1').waitFor();
    expect(await p.getByTestId('test-results').innerText()).toContain('We miss you, Grace');
    for (const id of ['trigger-event', 'set-stage', 'give-incentive', 'send-email', 'wait-for-event', 'set-stage-2', 'goal-reached']) expect(await highlighted(id), id).toBe(true);
    expect(await highlighted('send-email-2')).toBe(false);
    await fit(p);
    await shot(p, 't02-tutorial-test-received');

    await second.getByLabel('when').fill('+20d');
    await p.getByTestId('test-run').click();
    await until('the timed-out path', async () => (await highlighted('send-email-2')) && (await highlighted('exit')) && !(await highlighted('goal-reached')));
    expect(await p.getByTestId('test-results').innerText()).toContain('Goodbye for now, Grace');
  });

  it('step 12: live — a real customer waits on the order, gets the email, and reaches the goal when she orders', async () => {
    const p = page();
    await p.getByTestId('mode-live').click();
    await p.getByTestId('live-waiting-wait-for-event').getByText('0', { exact: true }).waitFor();
    await segment(session(), 'identify', { userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } });
    await segment(session(), 'track', { userId: 'ada', event: 'Inactive 60 Days' });
    await p.getByTestId('live-waiting-wait-for-event').getByText('1', { exact: true }).waitFor({ timeout: 30_000 });
    await until('the comeback email in the mailbox', async () => (await adminApi<Mailbox>(session(), '/v1/mailbox')).messages.some((m) => m.recipient === 'ada@example.com' && m.subject === 'We miss you, Ada'), 30_000);
    await segment(session(), 'track', { userId: 'ada', event: 'Order Completed' });
    await p.getByTestId('live-entered-goal-reached').getByText('1', { exact: true }).waitFor({ timeout: 30_000 });
    await p.getByTestId('live-waiting-wait-for-event').getByText('0', { exact: true }).waitFor();
    const customer = await adminApi<{ stage: string | null }>(session(), '/v1/customers/ada');
    expect(customer.stage).toBe('retain_develop');
    await fit(p);
    await shot(p, 't03-tutorial-live');
  });
});
