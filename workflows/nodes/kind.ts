import type { z } from 'zod';
import type { Channel, CustomerProfile, JsonValue } from '../domain.js';
import type { EventView, JourneyEvent, JourneyEventType } from '../events.js';
import type { ImplementationRef, RunOutcome, StateJson } from '../machine.js';
import type { RuleEvaluation } from '../rule-evaluator.js';
import type { NodeCategory, NodeKind } from './kinds.js';

/** What a compile fragment can ask of the compiler. */
export interface CompileContext {
  nodeId: string;
  /** The state id an outcome leads to (validated to exist before compile fragments run). */
  target(outcome: string): string;
  /** Registers a named delay bound to a delay implementation; returns its name for `after`. */
  delay(suffix: string, ref: ImplementationRef): string;
}

/** Variables available to templates and to rules evaluated inside a run. */
export interface RunScope {
  customer: CustomerProfile;
  /** The event the run last consumed (the trigger, or what a wait-for-event received). */
  event: EventView | null;
  /** The event that started the run. */
  trigger: EventView | null;
  journey: { id: string; name: string };
  run: { id: string };
  now: number;
}

/** A side effect as data: performed later by a channel adapter, never during stepping. */
export interface EffectDraft {
  channel: Channel;
  payload: { [key: string]: JsonValue };
  /** Cost in the workspace currency, when known at send time. */
  cost?: number;
}

/** A change a journey makes to the customer record, applied in the step's transaction. */
export interface CustomerUpdate {
  setTraits?: { [trait: string]: JsonValue };
  unsetTraits?: string[];
  stage?: string;
  addTags?: string[];
  removeTags?: string[];
}

export interface TriggerContext {
  journeyId: string;
  nodeId: string;
  customer: CustomerProfile;
  now: number;
  timeZone: string;
}

export interface TriggerBehaviour<P> {
  /** Journey event types this trigger listens to. */
  eventTypes: readonly JourneyEventType[];
  /** Whether `event` starts a run at this trigger. */
  matches(params: P, event: JourneyEvent, ctx: TriggerContext): RuleEvaluation;
  /** Can this trigger fire again for the same customer (e.g. every purchase)? Used for warnings. */
  repeatable(params: P): boolean;
}

/** Things a node points at that must exist (checked when a workspace context is given). */
export type NodeReference =
  | { type: 'journey'; id: string; path: (string | number)[] }
  | { type: 'segment'; id: string; path: (string | number)[] }
  | { type: 'template'; source: string; path: (string | number)[] }
  | { type: 'stage'; id: string; path: (string | number)[] }
  | { type: 'script'; name: string; path: (string | number)[] };

export interface NodeKindDefinition<P> {
  kind: NodeKind;
  category: NodeCategory;
  label: string;
  /** One line for the palette. */
  description: string;
  /** A paragraph for the README reference. */
  docs: string;
  params: z.ZodType<P>;
  /** Valid params, used by the docs and the golden compile tests. */
  example: P;
  /** The named exits of a node with these params (empty for flow nodes). */
  outcomes(params: P): readonly string[];
  /** A readable one-line summary for the canvas ("Wait 3 days"). */
  summary(params: P): string;
  /** The XState state for this node (its `id` is filled in by the compiler). */
  compile(params: P, ctx: CompileContext): Omit<StateJson, 'id'>;
  /** The node pauses the run until time passes or an event arrives (a cycle through it is fine). */
  waits?: boolean;
  /** The node sends a message to the customer (for the repeat-without-wait warning). */
  message?: boolean;
  trigger?: TriggerBehaviour<P>;
  /** Action nodes: the effect this node emits, rendered from the run's scope. */
  effect?(params: P, scope: RunScope): EffectDraft;
  /** Action nodes that change the customer record. */
  customerUpdate?(params: P): CustomerUpdate;
  references?(params: P): NodeReference[];
  /** Flow nodes: reaching this node ends the run with this outcome. */
  final?(params: P): { outcome: RunOutcome; reason: string };
}

/** Helper that keeps `P` inferred from the params schema. */
export const defineNodeKind = <S extends z.ZodType>(
  definition: NodeKindDefinition<z.output<S>> & { params: S },
): NodeKindDefinition<z.output<S>> => definition;
