import { describe, expect, it } from 'vitest';
import { compile } from '../compiler.js';
import { journeyGraphSchema } from '../graph.js';
import { unknownReferences } from '../implementations.js';
import { validateJourney } from '../validator.js';
import {
  complaintHandlingJourney,
  exampleJourneys,
  expansionJourney,
  reactivationJourney,
  satisfactionSurveyJourney,
  welcomeJourney,
  winBackJourney,
} from './index.js';

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const stages = ['selection', 'identify_attract', 'retain_develop', 'expand', 'keep_reactivate', 'win_back', 'phased_out'];

describe('example journeys', () => {
  it('exports all six, each by name, with distinct ids', () => {
    expect(exampleJourneys).toEqual([
      welcomeJourney,
      satisfactionSurveyJourney,
      complaintHandlingJourney,
      expansionJourney,
      reactivationJourney,
      winBackJourney,
    ]);
    expect(new Set(exampleJourneys.map((j) => j.id)).size).toBe(6);
  });

  describe.each(exampleJourneys.map((journey) => [journey.id, journey] as const))('%s', (_id, journey) => {
    it('validates with no errors and no warnings', () => {
      expect(validateJourney(journey).findings).toEqual([]);
      expect(validateJourney(journey, { stages, journeys: exampleJourneys.map((j) => j.id), segments: [] }).findings).toEqual([]);
    });

    it('compiles, with references the implementation registry knows', () => {
      const result = compile(journey);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.warnings).toEqual([]);
      expect(unknownReferences(result.journey)).toEqual([]);
      expect(result.journey.journeyId).toBe(journey.id);
    });

    it('compiles deterministically (byte-identical JSON, also from a reordered graph)', () => {
      const first = JSON.stringify(compile(journey));
      expect(JSON.stringify(compile(journey))).toBe(first);
      const reordered = { ...journey, nodes: [...journey.nodes].reverse(), edges: [...journey.edges].reverse() };
      const again = compile(reordered);
      const original = compile(journey);
      expect(again.ok && original.ok).toBe(true);
      if (again.ok && original.ok) expect(JSON.stringify(again.journey.machine)).toBe(JSON.stringify(original.journey.machine));
    });

    it('compiles to plain JSON (survives a JSON round trip unchanged)', () => {
      const result = compile(journey);
      if (!result.ok) throw new Error('does not compile');
      expect(JSON.parse(JSON.stringify(result.journey))).toEqual(result.journey);
    });

    it('uses short kebab-case ids, labels every node and names every element once', () => {
      const graph = journeyGraphSchema.parse(journey);
      const ids = [...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)];
      for (const id of ids) expect(id, id).toMatch(kebab);
      for (const id of ids) expect(id.length, id).toBeLessThanOrEqual(32);
      expect(new Set(ids).size).toBe(ids.length);
      for (const node of graph.nodes) expect(node.label, node.id).toBeTruthy();
      expect(graph.edges.every((e) => e.id.startsWith('e-'))).toBe(true);
    });

    it('lays the canvas out left to right, with nodes well apart', () => {
      const graph = journeyGraphSchema.parse(journey);
      const position = new Map(graph.nodes.map((n) => [n.id, n.position]));
      for (const edge of graph.edges) {
        const from = position.get(edge.source);
        const to = position.get(edge.target);
        expect(from && to && to.x > from.x, `${edge.id} runs left to right`).toBe(true);
      }
      graph.nodes.forEach((a, i) => {
        for (const b of graph.nodes.slice(i + 1)) {
          const apart = Math.abs(a.position.x - b.position.x) >= 200 || Math.abs(a.position.y - b.position.y) >= 120;
          expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
        }
      });
    });

    it('has a goal and an explicit entry policy', () => {
      const graph = journeyGraphSchema.parse(journey);
      expect(graph.settings.goal !== undefined || graph.nodes.some((n) => n.kind === 'goal_reached')).toBe(true);
      expect(journey.settings?.entry).toBeDefined();
    });
  });
});
