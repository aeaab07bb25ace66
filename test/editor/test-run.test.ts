import { describe, expect, it } from 'vitest';
import { compile, simulate } from '../../workflows/index.js';
import { winBackJourney } from '../../workflows/examples/index.js';
import { formatOffset, parseRelativeTime, resolveTime } from '../../editor/src/graph/relative-time.js';
import { buildTest, explainSteps, pathHighlight, type TestCustomerForm } from '../../editor/src/graph/test-run.js';
import { normaliseDraft } from '../../editor/src/graph/operations.js';

const DAY = 86_400_000;

describe('relative times', () => {
  it('parses +0, minutes, hours, days, weeks and combinations', () => {
    expect(parseRelativeTime('+0')).toEqual({ ok: true, offsetMs: 0 });
    expect(parseRelativeTime('')).toEqual({ ok: true, offsetMs: 0 });
    expect(parseRelativeTime('+30m')).toEqual({ ok: true, offsetMs: 30 * 60_000 });
    expect(parseRelativeTime('+2h')).toEqual({ ok: true, offsetMs: 2 * 3_600_000 });
    expect(parseRelativeTime('+2d')).toEqual({ ok: true, offsetMs: 2 * DAY });
    expect(parseRelativeTime('+1w')).toEqual({ ok: true, offsetMs: 7 * DAY });
    expect(parseRelativeTime('+1d 2h')).toEqual({ ok: true, offsetMs: DAY + 2 * 3_600_000 });
    expect(parseRelativeTime('+1.5d')).toEqual({ ok: true, offsetMs: 1.5 * DAY });
  });

  it('takes absolute dates (UTC without an offset) and refuses nonsense with a hint', () => {
    expect(parseRelativeTime('2025-03-01T09:00')).toEqual({ ok: true, absolute: Date.UTC(2025, 2, 1, 9) });
    expect(parseRelativeTime('2025-03-01')).toEqual({ ok: true, absolute: Date.UTC(2025, 2, 1) });
    const bad = parseRelativeTime('+2 days');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain('+2d');
    expect(parseRelativeTime('tomorrow').ok).toBe(false);
    expect(resolveTime(parseRelativeTime('+1d'), 1000)).toBe(1000 + DAY);
    expect(resolveTime(parseRelativeTime('x'), 1000)).toBeNull();
  });

  it('formats offsets back', () => {
    expect(formatOffset(0)).toBe('+0');
    expect(formatOffset(DAY + 2 * 3_600_000 + 5 * 60_000)).toBe('+1d 2h 5m');
  });
});

const customer: TestCustomerForm = { id: 'ada', traits: '{"first_name":"Ada","email":"ada@example.com"}', stage: 'retain_develop', cluster: 'star', timezone: 'Europe/Berlin', tags: 'vip, beta' };

describe('test mode', () => {
  it('reports every problem in the form by row and field', () => {
    const built = buildTest({ id: 'j' }, { ...customer, id: ' ', traits: '{nope' }, [
      { key: 'r1', type: 'track', at: '+2 days', name: 'x', properties: '' },
      { key: 'r2', type: 'track', at: '+1d', name: '', properties: '[1]' },
    ], 0);
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.problems.map((p) => `${p.where}.${p.field}`)).toEqual(['customer.id', 'customer.traits', 'r1.at', 'r2.name', 'r2.properties']);
  });

  it('builds simulator input in time order and runs the win-back journey through its path', () => {
    const start = Date.UTC(2025, 0, 6, 10);
    const built = buildTest({ id: winBackJourney.id }, customer, [
      { key: 'b', type: 'track', at: '+3d', name: 'Order Completed', properties: '{"total": 80}' },
      { key: 'a', type: 'track', at: '+0', name: 'Inactive 60 Days', properties: '' },
      { key: 'c', type: 'identify', at: '+4d', traits: '{"plan":"pro"}' },
    ], start);
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    expect(built.events.map((e) => e.at - start)).toEqual([0, 3 * DAY, 4 * DAY]);
    expect(built.customer).toMatchObject({ id: 'ada', cluster: 'star', tags: ['vip', 'beta'], timezone: 'Europe/Berlin' });
    const compiled = compile(winBackJourney);
    if (!compiled.ok) throw new Error('example does not compile');
    const result = simulate(compiled.journey, built.customer, built.events, { start });
    const graph = normaliseDraft(winBackJourney);
    const highlight = pathHighlight(graph, result.steps);
    expect(highlight.nodes.size).toBeGreaterThan(2);
    for (const edgeId of highlight.edges) {
      const edge = graph.edges.find((e) => e.id === edgeId);
      expect(edge && highlight.nodes.has(edge.source) && highlight.nodes.has(edge.target)).toBe(true);
    }
    const explained = explainSteps(result);
    expect(explained[0]?.title).toContain('Entered through');
    expect(explained.flatMap((s) => s.effects).some((e) => e.channel === 'email')).toBe(true);
    expect(explained.at(-1)?.outcome).toMatch(/Run ended/);
  });
});
