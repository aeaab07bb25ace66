import { describe, expect, it } from 'vitest';
import { contactStrategySchema, decideContact, historyWindows, strategyFor, type ContactDecision, type ContactRequest, type ContactStrategyInput } from './contact-policy.js';

const at = (iso: string): number => Date.parse(iso);

const strategy = contactStrategySchema.parse({
  default: {
    goal: 'keep in touch',
    channels: { email: { costPerContact: 0.01 }, sms: { costPerContact: 0.09 } },
    budget: { amount: 0.2, periodDays: 30 },
    frequencyCap: { max: 2, periodDays: 7 },
    quietHours: { from: '22:00', to: '08:00' },
  },
  dog: { goal: 'phase out gracefully', channels: { email: { costPerContact: 0.01 } }, frequencyCap: { max: 1, periodDays: 30 } },
  question_mark: { goal: 'develop', channels: { email: { costPerContact: 0.01 } }, quietHours: { from: '12:00', to: '14:00' } },
  fallbackTimeZone: 'Europe/Berlin',
} satisfies ContactStrategyInput);

const request = (overrides: Partial<ContactRequest>): ContactRequest => ({
  channel: 'email',
  cluster: null,
  timezone: 'UTC',
  now: at('2026-01-05T12:00:00Z'),
  sentInCapPeriod: 0,
  spentInBudgetPeriod: 0,
  ...overrides,
});

describe('contact strategy: decideContact', () => {
  const cases: [string, Partial<ContactRequest>, ContactDecision | { action: 'skip'; reason: RegExp } | { action: 'defer'; until: number }][] = [
    ['sends with the channel cost when every rule holds', {}, { action: 'send', cost: 0.01 }],
    ['books the SMS cost for SMS', { channel: 'sms' }, { action: 'send', cost: 0.09 }],
    ['skips a channel the cluster does not allow', { cluster: 'dog', channel: 'sms' }, { action: 'skip', reason: /channel sms is not allowed for cluster dog/ }],
    ['falls back to the default for a cluster without its own entry', { cluster: 'star', channel: 'sms' }, { action: 'send', cost: 0.09 }],
    ['skips at the frequency cap (2 sent, max 2)', { sentInCapPeriod: 2 }, { action: 'skip', reason: /frequency cap of 2 marketing message\(s\) per 7 day\(s\)/ }],
    ['sends below the cap (1 sent, max 2)', { sentInCapPeriod: 1 }, { action: 'send', cost: 0.01 }],
    ['uses the cluster cap (dog: 1 per 30 days)', { cluster: 'dog', sentInCapPeriod: 1 }, { action: 'skip', reason: /frequency cap of 1/ }],
    ['skips when the budget would be exceeded (0.15 + 0.09 > 0.2)', { channel: 'sms', spentInBudgetPeriod: 0.15 }, { action: 'skip', reason: /budget of 0.2 per 30 day\(s\)/ }],
    ['sends when the budget is exactly used up (0.19 + 0.01 = 0.2)', { spentInBudgetPeriod: 0.19 }, { action: 'send', cost: 0.01 }],
    ['defers inside midnight-crossing quiet hours, before midnight (23:30 → 08:00)', { now: at('2026-01-05T23:30:00Z') }, { action: 'defer', until: at('2026-01-06T08:00:00Z') }],
    ['defers inside midnight-crossing quiet hours, after midnight (06:59 → 08:00)', { now: at('2026-01-06T06:59:00Z') }, { action: 'defer', until: at('2026-01-06T08:00:00Z') }],
    ['sends at the end of the quiet window (08:00 is allowed)', { now: at('2026-01-06T08:00:00Z') }, { action: 'send', cost: 0.01 }],
    ['defers at the start of the quiet window (22:00 is quiet)', { now: at('2026-01-05T22:00:00Z') }, { action: 'defer', until: at('2026-01-06T08:00:00Z') }],
    ['sends just before quiet hours (21:59)', { now: at('2026-01-05T21:59:00Z') }, { action: 'send', cost: 0.01 }],
    ['defers inside daytime quiet hours (question mark 12:00–14:00)', { cluster: 'question_mark', now: at('2026-01-05T13:00:00Z') }, { action: 'defer', until: at('2026-01-05T14:00:00Z') }],
    ['uses the customer time zone (23:30 in New York is 04:30 UTC)', { timezone: 'America/New_York', now: at('2026-01-06T04:30:00Z') }, { action: 'defer', until: at('2026-01-06T13:00:00Z') }],
    ['uses the fallback zone for an unknown zone (Berlin: 07:30 local)', { timezone: 'Mars/Base', now: at('2026-01-06T06:30:00Z') }, { action: 'defer', until: at('2026-01-06T07:00:00Z') }],
    ['uses the fallback zone without a zone', { timezone: null, now: at('2026-01-06T06:30:00Z') }, { action: 'defer', until: at('2026-01-06T07:00:00Z') }],
    // Europe/Berlin springs forward on Sunday 29 March 2026, 02:00 CET → 03:00 CEST: 08:00 local is 06:00Z, not 07:00Z.
    ['DST spring: defers across the change to 08:00 CEST', { timezone: 'Europe/Berlin', now: at('2026-03-28T22:00:00Z') }, { action: 'defer', until: at('2026-03-29T06:00:00Z') }],
    // Falls back on Sunday 25 October 2026, 03:00 CEST → 02:00 CET: 08:00 local is 07:00Z.
    ['DST autumn: defers across the change to 08:00 CET', { timezone: 'Europe/Berlin', now: at('2026-10-24T21:00:00Z') }, { action: 'defer', until: at('2026-10-25T07:00:00Z') }],
    ['quiet hours come before the cap: deferred, the cap is checked again later', { now: at('2026-01-05T23:00:00Z'), sentInCapPeriod: 5 }, { action: 'defer', until: at('2026-01-06T08:00:00Z') }],
    ['a disallowed channel is skipped even in quiet hours', { cluster: 'dog', channel: 'sms', now: at('2026-01-05T23:00:00Z') }, { action: 'skip', reason: /not allowed/ }],
  ];
  it.each(cases)('%s', (_name, overrides, expected) => {
    const decision = decideContact(strategy, request(overrides));
    if ('reason' in expected && expected.reason instanceof RegExp) {
      expect(decision.action).toBe(expected.action);
      expect('reason' in decision ? decision.reason : '').toMatch(expected.reason);
    } else {
      expect(decision).toMatchObject(expected);
    }
  });

  it('ends a quiet window that ends inside a DST gap at the transition instant', () => {
    const gap = contactStrategySchema.parse({ default: { channels: { email: { costPerContact: 0 } }, quietHours: { from: '01:00', to: '02:30' } } });
    // 01:30 CET on 29 March 2026; 02:30 does not exist that night, the clock reads 03:00 CEST at 01:00Z.
    expect(decideContact(gap, request({ timezone: 'Europe/Berlin', now: at('2026-03-29T00:30:00Z') }))).toMatchObject({ action: 'defer', until: at('2026-03-29T01:00:00Z') });
  });

  it('restricts nothing it does not name: no budget, cap or quiet hours', () => {
    const open = contactStrategySchema.parse({ default: { channels: { email: { costPerContact: 0 } } } });
    expect(decideContact(open, request({ now: at('2026-01-05T23:30:00Z'), sentInCapPeriod: 1_000, spentInBudgetPeriod: 1_000 }))).toEqual({ action: 'send', cost: 0 });
  });
});

describe('contact strategy: schema and windows', () => {
  it('rejects quiet hours that start and end at the same time, unknown keys and bad times', () => {
    const base = { channels: {} };
    expect(contactStrategySchema.safeParse({ default: { ...base, quietHours: { from: '08:00', to: '08:00' } } }).success).toBe(false);
    expect(contactStrategySchema.safeParse({ default: { ...base, quietHours: { from: '8:00', to: '09:00' } } }).success).toBe(false);
    expect(contactStrategySchema.safeParse({ default: { ...base, channels: { fax: { costPerContact: 1 } } } }).success).toBe(false);
    expect(contactStrategySchema.safeParse({ default: base, platinum: base }).success).toBe(false);
    expect(contactStrategySchema.safeParse({ star: base }).success).toBe(false);
  });

  it('picks the cluster entry or the default, and gives the periods to count sends over', () => {
    expect(strategyFor(strategy, 'dog').goal).toBe('phase out gracefully');
    expect(strategyFor(strategy, null).goal).toBe('keep in touch');
    const now = at('2026-01-31T00:00:00Z');
    expect(historyWindows(strategyFor(strategy, null), now)).toEqual({ capSince: at('2026-01-24T00:00:00Z'), budgetSince: at('2026-01-01T00:00:00Z') });
    expect(historyWindows(strategyFor(strategy, 'dog'), now)).toEqual({ capSince: at('2026-01-01T00:00:00Z'), budgetSince: null });
  });
});
