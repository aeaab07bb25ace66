import { describe, expect, it } from 'vitest';
import { contactStrategySchema, type ContactStrategyInput } from './contact-policy.js';
import { dialogueScriptNames, resolveDialogueScript, taskScript } from './dialogue-scripts.js';

const channels = { email: { costPerContact: 0.01 } };
const strategy = contactStrategySchema.parse({
  default: { channels, scripts: [{ name: 'complaint', lines: ['Apologise', 'Explain what happened'] }, { name: 'welcome call', lines: ['Say hello'] }] },
  star: { channels, scripts: [{ name: 'complaint', lines: ['Apologise', 'Explain', 'Offer the manager\'s gesture'] }, { name: 'upgrade', lines: ['Offer the upgrade'] }] },
  question_mark: { channels, scripts: [{ name: 'complaint', lines: ['Apologise', 'Explain', 'A discount only if they insist'] }] },
  dog: { channels },
} satisfies ContactStrategyInput);

describe('dialogue scripts: resolveDialogueScript', () => {
  it("takes the cluster's own script of that name", () => {
    expect(resolveDialogueScript(strategy, 'star', 'complaint')).toEqual({ name: 'complaint', lines: ['Apologise', 'Explain', "Offer the manager's gesture"], cluster: 'star' });
    expect(resolveDialogueScript(strategy, 'question_mark', 'complaint')?.cluster).toBe('question_mark');
  });

  it('falls back to the default rules when the cluster has no script of that name, or no rules of its own', () => {
    expect(resolveDialogueScript(strategy, 'star', 'welcome call')).toEqual({ name: 'welcome call', lines: ['Say hello'], cluster: 'default' });
    expect(resolveDialogueScript(strategy, 'dog', 'complaint')).toEqual({ name: 'complaint', lines: ['Apologise', 'Explain what happened'], cluster: 'default' });
    expect(resolveDialogueScript(strategy, 'cash_cow', 'complaint')?.cluster).toBe('default');
  });

  it('customers without a cluster (or with a cluster that is not one) get the default script', () => {
    expect(resolveDialogueScript(strategy, null, 'complaint')?.cluster).toBe('default');
    expect(resolveDialogueScript(strategy, 'default', 'upgrade')).toBeNull();
    expect(resolveDialogueScript(strategy, '__proto__', 'complaint')?.cluster).toBe('default');
  });

  it("is null when neither the cluster nor the default has it; another cluster's script is not used", () => {
    expect(resolveDialogueScript(strategy, 'question_mark', 'upgrade')).toBeNull();
    expect(resolveDialogueScript(strategy, 'star', 'Complaint')).toBeNull();
  });
});

describe('dialogue scripts: dialogueScriptNames', () => {
  it('lists every name once, sorted, with the rules that define it (default first)', () => {
    expect(dialogueScriptNames(strategy)).toEqual([
      { name: 'complaint', clusters: ['default', 'star', 'question_mark'] },
      { name: 'upgrade', clusters: ['star'] },
      { name: 'welcome call', clusters: ['default'] },
    ]);
  });

  it('is empty without a strategy', () => {
    expect(dialogueScriptNames(null)).toEqual([]);
  });
});

describe('dialogue scripts: taskScript', () => {
  const ownLines = ['Call and apologise'];

  it("a step without a script name keeps its own lines, whatever the strategy", () => {
    expect(taskScript({ name: null, ownLines, strategy, cluster: 'star' })).toEqual({ lines: ownLines, name: null, cluster: null, missing: null });
  });

  it("the strategy's script wins over the step's own lines", () => {
    expect(taskScript({ name: 'complaint', ownLines, strategy, cluster: 'question_mark' })).toEqual({
      lines: ['Apologise', 'Explain', 'A discount only if they insist'],
      name: 'complaint',
      cluster: 'question_mark',
      missing: null,
    });
  });

  it("falls back to the step's own lines and says which script was missing", () => {
    expect(taskScript({ name: 'upgrade', ownLines, strategy, cluster: 'dog' })).toEqual({
      lines: ownLines,
      name: 'upgrade',
      cluster: null,
      missing: `neither the rules for cluster dog nor the default rules have a script "upgrade"; the step's own lines were used`,
    });
    expect(taskScript({ name: 'upgrade', ownLines: [], strategy, cluster: null }).missing).toBe(
      'neither the rules for customers without a cluster nor the default rules have a script "upgrade"; the task has no script',
    );
  });

  it('without a saved strategy nothing resolves', () => {
    expect(taskScript({ name: 'complaint', ownLines, strategy: null, cluster: 'star' })).toEqual({
      lines: ownLines,
      name: 'complaint',
      cluster: null,
      missing: `no contact strategy is saved, so there is no script "complaint"; the step's own lines were used`,
    });
  });
});
