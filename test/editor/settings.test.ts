import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiFailure } from '../../editor/src/api/client.js';
import { describeDetails, targetHref } from '../../editor/src/settings/audit-view.js';
import { defaultDefinition, describeMeasure, sameDefinition, withType } from '../../editor/src/settings/cluster-form.js';
import { errorsAt, hasErrorsUnder, isEmpty, serverErrors, zodErrors } from '../../editor/src/settings/errors.js';
import { relativeTime, share } from '../../editor/src/settings/format.js';
import { parseRoute, routeHash, routeTitle, screenRoute, shellScreens, type Route } from '../../editor/src/settings/routes.js';
import { emptySourceDraft, hookUrl, mappingOf, newSourceOf, parsePayload, prettyBody } from '../../editor/src/settings/source-form.js';
import { addStage, draftsOf, moveStage, relabel, removeStage, sameModel, stageFlows, stageIdFromLabel, stageLabel, stagesOf } from '../../editor/src/settings/stage-model.js';
import { rulesOf, scriptLines, setOwnRules, starterStrategy, summariseRules, toggleChannel, withRules } from '../../editor/src/settings/strategy-form.js';
import { clusterDefinitionSchema } from '../../workflows/clusters.js';
import { contactStrategySchema } from '../../workflows/contact-policy.js';
import { stageIdSchema } from '../../workflows/domain.js';

describe('hash routes', () => {
  it.each<[string, Route]>([
    ['', { screen: 'journeys' }],
    ['#/', { screen: 'journeys' }],
    ['#/journeys', { screen: 'journeys' }],
    ['#/journeys/win-back', { screen: 'journey', id: 'win-back' }],
    ['#/journeys/a%20b', { screen: 'journey', id: 'a b' }],
    ['#/stages', { screen: 'stages' }],
    ['#/contact-strategy', { screen: 'contact-strategy' }],
    ['#/sources', { screen: 'sources', id: null }],
    ['#/sources/shop', { screen: 'sources', id: 'shop' }],
    ['#/segments', { screen: 'segments', id: null }],
    ['#/segments/engaged-readers', { screen: 'segments', id: 'engaged-readers' }],
    ['#/customers/ada%40example.com', { screen: 'customers', id: 'ada@example.com' }],
    ['#/keys?x=1', { screen: 'keys' }],
    ['#/nowhere', { screen: 'not_found', hash: '#/nowhere' }],
    ['#/runs/run_1', { screen: 'not_found', hash: '#/runs/run_1' }],
    ['#/stages/extra', { screen: 'not_found', hash: '#/stages/extra' }],
    ['#/segments/vip/members', { screen: 'not_found', hash: '#/segments/vip/members' }],
    ['#/journeys/', { screen: 'journeys' }],
    ['#/journeys/%E0%A4%A', { screen: 'journey', id: '%E0%A4%A' }],
  ])('parses %j', (hash, route) => {
    expect(parseRoute(hash)).toStrictEqual(route);
  });

  it('round-trips every screen and item through its hash', () => {
    const routes: Route[] = [...shellScreens.map(screenRoute), { screen: 'journey', id: 'a/b c' }, { screen: 'sources', id: 'src_1' }, { screen: 'segments', id: 'vip' }, { screen: 'customers', id: 'ada@example.com' }];
    for (const route of routes) expect(parseRoute(routeHash(route))).toStrictEqual(route);
    expect(routeHash({ screen: 'journeys' })).toBe('#/');
    expect(routeTitle({ screen: 'audit' })).toBe('Audit log');
    expect(routeTitle({ screen: 'segments', id: null })).toBe('Segments');
    expect(routeTitle({ screen: 'journey', id: 'win-back' })).toBe('win-back');
    expect(routeHash({ screen: 'not_found', hash: '#/nowhere' })).toBe('#/nowhere');
    expect(routeTitle({ screen: 'not_found', hash: '#/nowhere' })).toBe('Page not found');
  });
});

describe('form errors from the server and from zod', () => {
  const failure = new ApiFailure(400, 'invalid_body', 'invalid body: stage id "a" is used twice', [
    { path: ['strategy', 'default', 'frequencyCap', 'max'], message: 'too small' },
    { path: ['stages', 1, 'id'], message: 'used twice' },
  ]);

  it('puts each detail at its field under the prefix; the rest and the message are general', () => {
    const errors = serverErrors(failure, ['strategy']);
    expect(errorsAt(errors, ['default', 'frequencyCap', 'max'])).toStrictEqual(['too small']);
    expect(hasErrorsUnder(errors, ['default'])).toBe(true);
    expect(hasErrorsUnder(errors, ['star'])).toBe(false);
    // ["stages", 1, "id"] is not under "strategy": the message is shown at the top.
    expect(errors.general).toStrictEqual(['invalid body: stage id "a" is used twice']);
    const plain = serverErrors(failure);
    expect(errorsAt(plain, ['stages', 1, 'id'])).toStrictEqual(['used twice']);
    expect(plain.general).toStrictEqual([]);
  });

  it('shows the message when no detail names a field, and any other error as text', () => {
    expect(serverErrors(new ApiFailure(409, 'last_admin_key', 'this is the last active admin key')).general).toStrictEqual(['this is the last active admin key']);
    expect(serverErrors(new Error('offline')).general).toStrictEqual(['offline']);
    expect(isEmpty(serverErrors(failure))).toBe(false);
  });

  it('maps zod issues of the shared schema by path', () => {
    const parsed = contactStrategySchema.safeParse({ default: { channels: {}, frequencyCap: { max: 2, periodDays: 0 } } });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const errors = zodErrors(parsed.error);
    expect(errorsAt(errors, ['default', 'frequencyCap', 'periodDays'])).toHaveLength(1);
    const root = zodErrors(z.string().safeParse(1).error!);
    expect(root.general).toHaveLength(1);
  });
});

describe('stage model drafts', () => {
  it('derives lower_snake_case ids the server accepts from labels', () => {
    for (const [label, id] of [
      ['VIP club', 'vip_club'],
      ['Retain & develop', 'retain_and_develop'],
      ['Expand (upsell / cross-sell)', 'expand_upsell_cross_sell'],
      ['Réactivé', 'reactive'],
      ['2nd chance', 'stage_2nd_chance'],
      ['x'.repeat(80), 'x'.repeat(63)],
    ] as const) {
      expect(stageIdFromLabel(label)).toBe(id);
      expect(stageIdSchema.safeParse(id).success, id).toBe(true);
    }
    expect(stageIdFromLabel('!!!')).toBe('stage');
  });

  it('adds, relabels, moves and removes stages; saved ids stay put when relabelled', () => {
    let drafts = draftsOf([
      { id: 'lead', label: 'Lead' },
      { id: 'client', label: 'Client' },
    ]);
    drafts = addStage(drafts, 'k1');
    drafts = addStage(drafts, 'k2');
    expect(drafts.map((d) => d.id)).toStrictEqual(['lead', 'client', 'new_stage', 'new_stage_2']);
    drafts = drafts.map((d, i) => (i === 2 ? relabel(d, 'VIP club') : i === 0 ? relabel(d, 'Prospect') : d));
    expect(drafts[2]?.id).toBe('vip_club');
    expect(drafts[0]).toMatchObject({ id: 'lead', label: 'Prospect' });
    drafts = moveStage(drafts, 2, -1);
    expect(drafts.map((d) => d.id)).toStrictEqual(['lead', 'vip_club', 'client', 'new_stage_2']);
    expect(moveStage(drafts, 0, -1).map((d) => d.id)).toStrictEqual(drafts.map((d) => d.id));
    expect(moveStage(drafts, 3, 1).map((d) => d.id)).toStrictEqual(drafts.map((d) => d.id));
    drafts = removeStage(drafts, 3);
    expect(stagesOf(drafts)).toStrictEqual([
      { id: 'lead', label: 'Prospect' },
      { id: 'vip_club', label: 'VIP club' },
      { id: 'client', label: 'Client' },
    ]);
    expect(sameModel(stagesOf(drafts), stagesOf(drafts))).toBe(true);
    expect(sameModel(stagesOf(drafts), stagesOf(drafts).slice(1))).toBe(false);
  });

  it('shapes the overview: moves in and out per stage, stages outside the model last', () => {
    const overview = {
      stages: [
        { id: 'lead', label: 'Lead', customers: 3 },
        { id: 'client', label: 'Client', customers: 2 },
      ],
      otherStages: [{ id: 'legacy', customers: 1 }],
      unstaged: 4,
      moves: [
        { from: null, to: 'lead', count: 5 },
        { from: 'lead', to: 'client', count: 2 },
        { from: 'client', to: 'gone', count: 1 },
      ],
    };
    expect(stageFlows(overview)).toStrictEqual([
      { id: 'lead', label: 'Lead', customers: 3, entered: 5, left: 2 },
      { id: 'client', label: 'Client', customers: 2, entered: 2, left: 1 },
      { id: 'legacy', label: 'legacy (not in the model)', customers: 1, entered: 0, left: 0 },
      { id: 'gone', label: 'gone (not in the model)', customers: 0, entered: 1, left: 0 },
    ]);
    expect(stageLabel(overview, null)).toBe('No stage yet');
    expect(stageLabel(overview, 'client')).toBe('Client');
    expect(stageLabel(overview, 'gone')).toBe('gone');
  });
});

describe('value-cluster form', () => {
  it('starts from a definition the shared schema accepts', () => {
    expect(clusterDefinitionSchema.safeParse(defaultDefinition()).success).toBe(true);
  });

  it('switches measure types keeping the event and window, and every result validates', () => {
    const sum = defaultDefinition().contribution;
    const count = withType(sum, 'event_count');
    expect(count).toStrictEqual({ type: 'event_count', event: 'Order Completed', withinDays: 365 });
    expect(withType(count, 'event_sum')).toStrictEqual({ type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 365 });
    const formula = withType(count, 'formula');
    expect(formula).toStrictEqual({ type: 'formula', op: 'add', of: [count] });
    expect(withType(sum, 'event_sum')).toBe(sum);
    for (const measure of [count, formula, withType(formula, 'trait')]) {
      expect(clusterDefinitionSchema.safeParse({ ...defaultDefinition(), contribution: measure }).success).toBe(true);
    }
  });

  it('describes measures in words', () => {
    expect(describeMeasure(defaultDefinition().contribution)).toBe('sum of revenue of “Order Completed” in the last 365 days');
    expect(describeMeasure({ type: 'formula', op: 'max', factor: 1.2, of: [{ type: 'trait', trait: 'ltv' }, { type: 'event_count', event: 'Login', withinDays: 30 }] })).toBe(
      '1.2 × largest of (trait ltv; number of “Login” in the last 30 days)',
    );
    expect(sameDefinition(defaultDefinition(), defaultDefinition())).toBe(true);
    expect(sameDefinition(defaultDefinition(), null)).toBe(false);
  });
});

describe('contact-strategy form', () => {
  it('starts from a strategy the shared schema accepts', () => {
    const strategy = starterStrategy('Europe/Berlin');
    expect(contactStrategySchema.parse(strategy)).toStrictEqual(strategy);
  });

  it('gives a cluster its own copy of the default, and hands it back', () => {
    const base = starterStrategy('UTC');
    const own = setOwnRules(base, 'star', true);
    expect(rulesOf(own, 'star')).toStrictEqual(base.default);
    expect(rulesOf(own, 'star')).not.toBe(base.default);
    const changed = withRules(own, 'star', { ...base.default, frequencyCap: { max: 1, periodDays: 7 } });
    expect(rulesOf(changed, 'default')?.frequencyCap).toBeNull();
    const back = setOwnRules(changed, 'star', false);
    expect(rulesOf(back, 'star')).toBeUndefined();
    expect('star' in back).toBe(false);
  });

  it('allows and forbids channels, summarises rules and reads script lines', () => {
    const rules = toggleChannel(toggleChannel(starterStrategy('UTC').default, 'sms', true), 'email', false);
    expect(rules.channels).toStrictEqual({ sms: { costPerContact: 0.09 } });
    expect(summariseRules({ ...rules, frequencyCap: { max: 2, periodDays: 7 }, quietHours: { from: '22:00', to: '08:00' } })).toBe('SMS · at most 2 per 7 days · quiet 22:00–08:00');
    expect(summariseRules(toggleChannel(rules, 'sms', false))).toBe('no marketing channel');
    expect(scriptLines('Apologise\n\n  Explain  \n')).toStrictEqual(['Apologise', 'Explain']);
  });
});

describe('webhook-source form', () => {
  it('builds the create request: empty optional fields are left out, hmac settings only for hmac_sha256', () => {
    const draft = { ...emptySourceDraft(), name: ' Shop ' };
    expect(newSourceOf(draft)).toStrictEqual({ name: 'Shop', scheme: 'standard', mapping: { customerId: '$.customer.id', event: '$.type' } });
    expect(newSourceOf({ ...draft, id: 'shop', scheme: 'hmac_sha256', mapping: { ...draft.mapping, properties: '$.order' } })).toStrictEqual({
      name: 'Shop',
      id: 'shop',
      scheme: 'hmac_sha256',
      hmac: { header: 'x-hub-signature-256', encoding: 'hex', prefix: 'sha256=', idHeader: null },
      mapping: { customerId: '$.customer.id', event: '$.type', properties: '$.order' },
    });
    expect(mappingOf({ customerId: ' $.id ', event: 'Order Completed', properties: ' ' })).toStrictEqual({ customerId: '$.id', event: 'Order Completed' });
  });

  it('reads test payloads and shows bodies', () => {
    expect(parsePayload('{"a":1}')).toStrictEqual({ ok: true, payload: { a: 1 } });
    const bad = parsePayload('{a:1}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^the test payload is not JSON/);
    expect(prettyBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyBody('a=1&b=2')).toBe('a=1&b=2');
    expect(hookUrl('http://127.0.0.1:3000/', '/v1/hooks/shop')).toBe('http://127.0.0.1:3000/v1/hooks/shop');
  });
});

describe('audit log and formatting', () => {
  it('links targets the editor shows and writes details as text', () => {
    expect(targetHref('journey', 'win back')).toBe('#/journeys/win%20back');
    expect(targetHref('source', 'shop')).toBe('#/sources/shop');
    expect(targetHref('segment', 'engaged-readers')).toBe('#/segments/engaged-readers');
    expect(targetHref('settings', 'contact_strategy')).toBe('#/contact-strategy');
    expect(targetHref('settings', 'other')).toBeNull();
    expect(targetHref('customer', 'hash')).toBeNull();
    expect(describeDetails({ version: 3, name: 'Shop', changed: ['name', 'mapping'], previous: null, flags: { a: true } })).toBe('version: 3 · name: Shop · changed: name, mapping · previous: none · flags: {"a":true}');
    expect(describeDetails({})).toBe('—');
  });

  it('says how long ago', () => {
    const now = Date.UTC(2026, 0, 5, 12);
    expect(relativeTime(now - 20_000, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 minutes ago');
    expect(relativeTime(now - 3_600_000, now)).toBe('1 hour ago');
    expect(relativeTime(now + 2 * 86_400_000, now)).toBe('in 2 days');
    expect(share(1, 3)).toBe('33%');
    expect(share(0, 0)).toBe('—');
  });
});
