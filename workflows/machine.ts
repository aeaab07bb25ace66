/**
 * The JSON shape of a compiled journey: an XState v5 machine config with no functions in it.
 * Actions, guards and delays are `{ type, params }` references bound by `implementations.ts`.
 */
import type { JsonValue } from './domain.js';
import type { EntryPolicy } from './settings.js';

export interface ImplementationRef {
  type: string;
  params?: { [key: string]: JsonValue | undefined };
}

export interface TransitionJson {
  target: string;
  guard?: ImplementationRef;
  actions?: ImplementationRef[];
}

export interface StateJson {
  id: string;
  type?: 'final';
  entry?: ImplementationRef[];
  always?: TransitionJson[];
  on?: Record<string, TransitionJson[]>;
  after?: Record<string, TransitionJson[]>;
  meta?: { [key: string]: JsonValue };
}

export interface MachineJson {
  id: 'journey';
  initial: string;
  on?: Record<string, TransitionJson[]>;
  always?: TransitionJson[];
  states: Record<string, StateJson>;
}

/** How a run ends when it reaches a final state. */
export type RunOutcome = 'converted' | 'exited';

export interface CompiledJourney {
  compilerVersion: string;
  journeyId: string;
  journeyName: string;
  machine: MachineJson;
  /** Named delays used in `after`, each bound to a delay implementation. */
  delays: Record<string, ImplementationRef>;
  /** Final states and what reaching them means. */
  finals: Record<string, { outcome: RunOutcome; reason: string }>;
  /** The trigger nodes, so the runtime can match events without the graph. */
  triggers: { nodeId: string; kind: string; params: { [key: string]: JsonValue } }[];
  entry: EntryPolicy;
  timeZoneFallback: string;
}
