/**
 * End-to-end tests of the visual editor in a real Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core; no browser is downloaded). The real server runs in-process (`startServer`: API,
 * worker, dispatcher) on a free port, on PGlite in memory — or on a fresh PostgreSQL database when
 * DATABASE_URL is set. Screenshots of the main screens go to test/e2e/output/ (kept by CI).
 */
import { describe, expect, it } from 'vitest';
import { dbKind, expectConsoleErrors, fit, haveChromium, segment, settle, shot, signIn, until } from './support/browser.js';
import { connectSteps, dropStep, selectStep } from './support/canvas.js';
import { browserSession } from './support/suite.js';

describe.skipIf(!haveChromium)(`editor in Chromium (${dbKind})`, { timeout: 120_000 }, () => {
  const session = browserSession(false);
  let journeyId = '';
  const page = () => session().page;

  const drop = (kind: string, x: number, y: number, id: string) => dropStep(page(), kind, x, y, id);
  const connect = (source: string, outcome: string, target: string) => connectSteps(page(), source, outcome, target);
  const select = (id: string) => selectStep(page(), id);

  it('signs in and creates a journey from the list', async () => {
    const p = page();
    await p.goto(`${session().server.url}/`);
    await p.getByTestId('signin-form').waitFor();
    await p.getByTestId('signin-key').fill('rk_admin_wrong_key_00000000');
    await p.getByTestId('signin-submit').click();
    await p.getByTestId('signin-error').waitFor();
    // The refused key is a 401 on purpose: wait for the browser to report it (asynchronously), then forget it.
    await expectConsoleErrors(session(), (e) => e.includes('401'), 'the 401');
    await signIn(p, session().server.url);
    await shot(p, '01-list');
    await p.getByTestId('new-journey').click();
    await p.getByTestId('name-input').fill('Win-back');
    await p.getByTestId('name-submit').click();
    await p.getByTestId('canvas-empty').waitFor();
    journeyId = decodeURIComponent(/#\/journeys\/([^/?#]+)/.exec(p.url())?.[1] ?? '');
    expect(journeyId).not.toBe('');
    expect(await p.locator('.react-flow__node').count()).toBe(0);
  });

  it('builds the journey by dragging from the palette, configures steps and connects outcomes', async () => {
    const p = page();
    // Zoom out so seven steps fit side by side (React Flow's zoom-out control), then wait for the viewport to settle.
    for (let i = 0; i < 4; i += 1) await p.locator('.react-flow__controls-zoomout').click();
    await settle(p);
    expect(await p.locator('.react-flow__viewport').evaluate((e) => (e as HTMLElement).style.transform)).not.toContain('scale(1)');

    // Trigger first: its empty event name is a validation error, shown as a badge on the step.
    await drop('trigger_event', 90, 130, 'trigger-event');
    await p.getByTestId('canvas-empty').waitFor({ state: 'detached' });
    const triggerBadge = p.getByTestId('node-badge-trigger-event');
    await until('the empty event name error on the trigger', async () => /name the event/.test((await triggerBadge.getAttribute('title')) ?? ''));
    await drop('send_email', 250, 130, 'send-email');
    await drop('wait_for_event', 410, 130, 'wait-for-event');
    await drop('condition_rule', 570, 130, 'condition-rule');
    await drop('exit', 410, 330, 'exit');
    await drop('set_stage', 570, 330, 'set-stage');
    await drop('goal_reached', 570, 500, 'goal-reached');
    expect(await p.locator('.react-flow__node').count()).toBe(7);
    await shot(p, '02-canvas-dropped');

    // Settings, through the panel.
    await select('trigger-event');
    await p.getByTestId('field-event').locator('input').fill('Inactive 60 Days');
    // Its empty-name error is gone (the badge now only says the outcome is not connected yet).
    await until('the event name error to go', async () => !/name the event/.test((await triggerBadge.getAttribute('title').catch(() => null)) ?? ''));

    await select('send-email');
    await p.getByTestId('field-subject').locator('input').first().fill('We miss you, {{ customer.traits.first_name | default: "there" }}');
    await p.getByTestId('field-body').locator('textarea').fill('Here is 10% off your next order.');
    await p.getByTestId('field-subject').locator('.template-preview').waitFor();

    await select('wait-for-event');
    await p.getByTestId('field-event').locator('input').fill('Order Completed');
    await p.getByTestId('field-timeout').locator('input').fill('14');
    await p.getByTestId('field-timeout').locator('select').selectOption('days');
    await until('the wait summary', async () => /14 days/.test(await p.getByTestId('node-wait-for-event').innerText()));

    await select('condition-rule');
    const condition = p.getByTestId('rule-condition-0');
    await condition.getByLabel('field', { exact: true }).selectOption('customer.traits');
    await condition.getByLabel('name').fill('ltv');
    await condition.getByLabel('operator').selectOption('gt');
    // The number value box has no accessible name (the text/scalar value boxes are labelled "value").
    await condition.locator('.rule-condition-value input[type=number]').fill('500');
    await until('the condition to be complete', async () => /If ltv > 500/.test(await p.getByTestId('node-condition-rule').innerText()) && (await p.getByTestId('node-condition-rule').locator('.node-summary-invalid').count()) === 0);
    await shot(p, '03-settings');

    await select('set-stage');
    await p.getByTestId('field-stage').locator('select').selectOption('retain_develop');

    // Back to the journey panel (problems list), then connect the outcomes.
    await p.keyboard.press('Escape');
    await p.getByTestId('findings-list').waitFor();
    await connect('trigger-event', 'next', 'send-email');
    await connect('send-email', 'next', 'wait-for-event');
    await connect('wait-for-event', 'received', 'condition-rule');
    await connect('wait-for-event', 'timed_out', 'exit');
    await connect('condition-rule', 'yes', 'set-stage');
    await connect('set-stage', 'next', 'goal-reached');
  });

  it('shows a validation error in the problems list and on the step, and blocks publishing until it is fixed', async () => {
    const p = page();
    // The If/else "No" outcome is still unconnected: an error.
    const finding = p.getByTestId('findings-list').getByText('outcome "no" of node "condition-rule" is not connected');
    await finding.waitFor();
    await p.getByTestId('node-badge-condition-rule').waitFor();
    expect(await p.getByTestId('node-badge-condition-rule').getAttribute('class')).toContain('node-badge-error');
    expect(await p.getByTestId('publish-button').isDisabled()).toBe(true);
    // Validation runs a moment after the last change: wait for it to settle on exactly this error.
    await until('"Fix 1 error" on Publish', async () => /Fix 1 error\b/.test((await p.getByTestId('publish-wrap').getAttribute('title')) ?? ''));
    expect(await p.locator('.finding-error').count()).toBe(1);
    await shot(p, '04-validation-error');

    await connect('condition-rule', 'no', 'goal-reached');
    await finding.waitFor({ state: 'detached' });
    await p.getByTestId('node-badge-condition-rule').waitFor({ state: 'detached' });
    await until('no errors left', async () => (await p.locator('.finding-error').count()) === 0);
    // Publishing publishes the saved draft, so Publish only enables once the last change is saved.
    await until('publish to be enabled', () => p.getByTestId('publish-button').isEnabled());
    expect(await p.getByTestId('save-indicator').innerText()).toContain('Saved');
    // Tidy up for the screenshots (a change: Publish waits for it to be checked and saved again).
    await p.getByTestId('auto-layout').click();
    await until('publish to be enabled', () => p.getByTestId('publish-button').isEnabled());
    expect(await p.getByTestId('save-indicator').innerText()).toContain('Saved');
    await fit(p);
    await shot(p, '05-canvas-valid');
  });

  it('publishes with a note, then shows a customer from a Segment track call waiting on the wait step in the live view', async () => {
    const p = page();
    await p.getByTestId('publish-button').click();
    await p.getByTestId('publish-dialog').waitFor();
    expect(await p.getByTestId('publish-confirm').isDisabled()).toBe(true);
    await p.getByTestId('publish-note').fill('First version: win back customers inactive for 60 days');
    await shot(p, '06-publish-dialog');
    await p.getByTestId('publish-confirm').click();
    await p.getByTestId('published-banner').getByText('Version 1 is live.').waitFor();
    await p.getByTestId('status-badge').getByText('live').waitFor();

    await p.getByTestId('mode-live').click();
    await p.getByTestId('live-active').waitFor();
    await p.getByTestId('live-waiting-wait-for-event').getByText('0', { exact: true }).waitFor();

    await segment(session(), 'track', { userId: 'ada', event: 'Inactive 60 Days' });
    // The worker (inside startServer) advances ada; the live view refreshes every 5 s.
    await p.getByTestId('live-waiting-wait-for-event').getByText('1', { exact: true }).waitFor({ timeout: 30_000 });
    await p.getByTestId('live-entered-send-email').getByText('1', { exact: true }).waitFor();
    await p.getByTestId('live-active').getByText('1', { exact: true }).waitFor();
    await fit(p);
    await shot(p, '07-live-view');
  });

  it('test mode: a typed customer and events highlight the path and list the steps', async () => {
    const p = page();
    await p.getByTestId('mode-test').click();
    await p.getByTestId('test-panel').waitFor();
    await p.getByTestId('test-customer-id').fill('grace');
    await p.getByTestId('test-traits').fill('{"first_name": "Grace", "email": "grace@example.com", "ltv": 900}');
    const first = p.getByTestId('test-event-0');
    expect(await first.getByLabel('event name').inputValue()).toBe('Inactive 60 Days');
    await p.getByTestId('test-add-event').click();
    const second = p.getByTestId('test-event-1');
    await second.getByLabel('when').fill('+2d');
    await second.getByLabel('event name').fill('Order Completed');
    await p.getByTestId('test-run').click();
    const results = p.getByTestId('test-results');
    await results.waitFor();
    await p.getByTestId('test-step-1').waitFor();
    const text = await results.innerText();
    expect(text).toContain('ltv');
    expect(text).toMatch(/We miss you, Grace/);
    // The path: everything but the timeout exit is highlighted.
    for (const id of ['trigger-event', 'send-email', 'wait-for-event', 'condition-rule', 'set-stage', 'goal-reached']) {
      expect(await p.getByTestId(`node-${id}`).getAttribute('class'), id).toContain('is-highlighted');
    }
    expect(await p.getByTestId('node-exit').getAttribute('class')).toContain('is-dimmed');
    expect(await p.locator('.react-flow__edge.on-path').count()).toBe(5);
    await fit(p);
    await shot(p, '08-test-mode');
  });
});

describe.skipIf(!haveChromium)(`editor in Chromium with the example journeys (${dbKind})`, { timeout: 120_000 }, () => {
  const session = browserSession(true);

  it('lists the published examples and opens one without problems', async () => {
    const p = session().page;
    await signIn(p, session().server.url);
    const rows = p.locator('[data-testid^=journey-row-]');
    await until('six example journeys', async () => (await rows.count()) === 6);
    expect(await p.getByTestId('journey-list').getByTestId('status-badge').allInnerTexts()).toStrictEqual(Array(6).fill(expect.stringMatching(/live/i)));
    await shot(p, '09-list-examples');
    await rows.first().locator('[data-testid^=open-]').click();
    await p.locator('.react-flow__node').first().waitFor();
    await p.getByTestId('findings-list').waitFor();
    expect(await p.locator('.finding-error').count()).toBe(0);
    expect(await p.locator('[data-testid^=node-badge-].node-badge-error').count()).toBe(0);
    await until('publish to be enabled', () => p.getByTestId('publish-button').isEnabled());
    await p.getByTestId('mode-live').click();
    await p.getByTestId('live-active').waitFor();
    await shot(p, '10-example-live');
  });

  it("the complaint example's manager call picks the strategy's complaint script; its own lines stay editable", async () => {
    const p = session().page;
    await p.goto(`${session().server.url}/#/journeys/complaint-by-cluster`);
    const task = p.getByTestId('node-manager-call-task');
    await task.waitFor();
    await p.getByTestId('findings-list').waitFor();
    await p.getByTestId('mode-edit').click();
    expect(await task.locator('.node-summary').innerText()).toContain('script "complaint"');
    await until('the task settings to open', async () => {
      await task.locator('.node-head').click();
      return p.getByTestId('node-settings').locator('code', { hasText: 'manager-call-task' }).isVisible();
    });
    const picker = p.getByTestId('field-scriptName').locator('select');
    await picker.waitFor({ timeout: 30_000 });
    expect(await picker.inputValue()).toBe('complaint');
    expect(await picker.locator('option').allInnerTexts()).toEqual(['None: only the lines below', 'complaint — Default, Star, Question mark']);
    expect(await p.getByTestId('field-script').locator('input').count()).toBe(5);
    // Choosing none leaves only the own lines (and the summary says no script); then back.
    await picker.selectOption('');
    await until('the summary without a script', async () => !(await task.locator('.node-summary').innerText()).includes('script'));
    await picker.selectOption('complaint');
    await until('the summary with the script', async () => (await task.locator('.node-summary').innerText()).includes('script "complaint"'));
    await picker.scrollIntoViewIfNeeded();
    await shot(p, '11-task-script');
  });
});
