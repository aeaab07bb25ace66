import type { ClusterContactStrategy, ContactStrategy } from '../../../workflows/contact-policy.js';
import type { ValueCluster } from '../../../workflows/index.js';

/** The contact-strategy form: starting points and switching a cluster between "own rules" and "the default". Pure. */

export type StrategyTab = 'default' | ValueCluster;
export const strategyTabs: { tab: StrategyTab; label: string }[] = [
  { tab: 'default', label: 'Default' },
  { tab: 'star', label: 'Star' },
  { tab: 'question_mark', label: 'Question mark' },
  { tab: 'cash_cow', label: 'Cash cow' },
  { tab: 'dog', label: 'Dog' },
];

export const channelNames = { email: 'Email', sms: 'SMS', chat: 'Team chat (not marketing)' } as const;
export type StrategyChannel = keyof typeof channelNames;
export const defaultCosts: Record<StrategyChannel, number> = { email: 0.01, sms: 0.09, chat: 0 };

export const emptyRules = (): ClusterContactStrategy => ({ goal: '', channels: { email: { costPerContact: defaultCosts.email } }, budget: null, frequencyCap: null, quietHours: null, scripts: [] });

/** A first strategy for a workspace that has none: email only, nothing else restricted, in `timeZone`. */
export const starterStrategy = (timeZone: string): ContactStrategy => ({ default: { ...emptyRules(), goal: 'Keep in touch' }, fallbackTimeZone: timeZone });

/** Gives `tab` rules of its own (a copy of the default) or hands it back to the default. */
export const setOwnRules = (strategy: ContactStrategy, tab: ValueCluster, own: boolean): ContactStrategy => {
  if (!own) {
    const { [tab]: _dropped, ...rest } = strategy;
    return rest;
  }
  return { ...strategy, [tab]: structuredClone(strategy.default) };
};

export const rulesOf = (strategy: ContactStrategy, tab: StrategyTab): ClusterContactStrategy | undefined => (tab === 'default' ? strategy.default : strategy[tab]);

export const withRules = (strategy: ContactStrategy, tab: StrategyTab, rules: ClusterContactStrategy): ContactStrategy => ({ ...strategy, [tab]: rules });

/** Allows or forbids a channel (forbidding removes it: a channel not listed is not allowed). */
export const toggleChannel = (rules: ClusterContactStrategy, channel: StrategyChannel, allowed: boolean): ClusterContactStrategy => {
  const channels = { ...rules.channels };
  if (allowed) channels[channel] = channels[channel] ?? { costPerContact: defaultCosts[channel] };
  else delete channels[channel];
  return { ...rules, channels };
};

/** One line of what the rules do, for the tab list and the history ("email, SMS · 2 per 7 days · quiet 22:00–08:00"). */
export const summariseRules = (rules: ClusterContactStrategy): string => {
  const channels = (Object.keys(rules.channels) as StrategyChannel[]).filter((c) => c !== 'chat').map((c) => channelNames[c]);
  return [
    channels.length ? channels.join(', ') : 'no marketing channel',
    rules.frequencyCap ? `at most ${rules.frequencyCap.max} per ${rules.frequencyCap.periodDays} days` : null,
    rules.budget ? `budget ${rules.budget.amount} per ${rules.budget.periodDays} days` : null,
    rules.quietHours ? `quiet ${rules.quietHours.from}–${rules.quietHours.to}` : null,
  ]
    .filter((part): part is string => part !== null)
    .join(' · ');
};

/** Script lines from a textarea: one per line, blank lines dropped. */
export const scriptLines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
