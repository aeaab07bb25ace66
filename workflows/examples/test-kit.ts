/** Helpers shared by the example journeys' tests (virtual clock, compiling, reading simulation results). */
import { compile } from '../compiler.js';
import type { JourneyGraphInput } from '../graph.js';
import type { CompiledJourney } from '../machine.js';
import type { SimulationEvent, SimulationResult } from '../simulator.js';
import type { EffectRecord, Step } from '../stepper.js';
import type { JsonValue } from '../domain.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Monday 5 January 2026, 10:00 UTC: the start of most example scenarios. */
export const T0 = Date.UTC(2026, 0, 5, 10);

/** Compiles an example, failing loudly (with the findings) if it does not compile. */
export const compileExample = (graph: JourneyGraphInput): CompiledJourney => {
  const result = compile(graph);
  if (!result.ok) throw new Error(`${graph.id} does not compile: ${JSON.stringify(result.errors)}`);
  return result.journey;
};

export const track = (name: string, at: number, properties: { [key: string]: JsonValue } = {}): SimulationEvent => ({
  type: 'track',
  name,
  properties,
  at,
});

/**
 * The steps that moved a run: entered nodes or ended it. Leaves out steps in which an event reached
 * a run that had no use for it (the simulator records those too, like the runtime does).
 */
export const progress = (result: SimulationResult, runId?: string): Step[] =>
  result.steps.filter((step) => (runId === undefined || step.runId === runId) && (step.path.length > 0 || step.status === 'done'));

/** The one progress step of a run at `at`. */
export const stepAt = (result: SimulationResult, at: number, runId = 'sim-1'): Step => {
  const found = progress(result, runId).filter((step) => step.at === at);
  if (found.length !== 1) throw new Error(`expected one step of ${runId} at ${new Date(at).toISOString()}, found ${found.length}`);
  return found[0] as Step;
};

/** (time, nodes entered) of every step that moved a run: the run's route through the canvas. */
export const route = (result: SimulationResult, runId = 'sim-1'): { at: number; path: string[] }[] =>
  progress(result, runId).map((step) => ({ at: step.at, path: step.path }));

export const effectsOf = (result: SimulationResult, kind: EffectRecord['kind']): SimulationResult['effects'] =>
  result.effects.filter((effect) => effect.kind === kind);

/** The run as it ended (or stands when the simulation stopped). */
export const runOf = (result: SimulationResult, runId = 'sim-1'): SimulationResult['runs'][number] => {
  const run = result.runs.find((r) => r.runId === runId);
  if (!run) throw new Error(`no run ${runId}`);
  return run;
};

/** The guards a step's nodes evaluated (without the trigger's filter and journey-wide exit/goal checks). */
export const nodeGuards = (step: Step): Step['guards'] => step.guards.filter((g) => g.nodeId !== null && g.guard !== 'trigger');
