import { createActor, type AnyActorScope, type AnyStateMachine, type EventFromLogic, type InputFrom, type SnapshotFrom } from 'xstate';

/**
 * XState's pure `transition()` and `initialTransition()` build a throw-away actor on every call,
 * and constructing an actor computes its machine's initial snapshot — most of the cost of a step.
 * These do the same pure work through one inert actor scope per machine, made once: the actions a
 * transition emits are collected and returned, never executed, so nothing is spawned, scheduled or
 * sent. (Journey machines invoke and spawn no actors; their delayed events come back as
 * `xstate.raise` actions with a delay, which the runtime turns into timer rows.)
 */
export interface CollectedAction {
  type: string;
  params?: unknown;
}

const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();

const scopeOf = (machine: AnyStateMachine): AnyActorScope => {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    const ignore = () => undefined;
    scope = { self, id: '', sessionId: '', logger: ignore, defer: ignore, emit: ignore, stopChild: ignore, system: self.system, actionExecutor: ignore };
    scopes.set(machine, scope);
  }
  return scope;
};

/** Like XState's `transition(machine, snapshot, event)`: the next snapshot and the actions to execute. */
export const pureTransition = <M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): [SnapshotFrom<M>, CollectedAction[]] => {
  const actions: CollectedAction[] = [];
  const scope = scopeOf(machine);
  scope.actionExecutor = (action) => void actions.push(action);
  const next = machine.transition(snapshot, event, scope) as SnapshotFrom<M>;
  return [next, actions];
};

/** Like XState's `initialTransition(machine, input)`: the initial snapshot and the actions to execute. */
export const pureInitialTransition = <M extends AnyStateMachine>(machine: M, input?: InputFrom<M>): [SnapshotFrom<M>, CollectedAction[]] => {
  const actions: CollectedAction[] = [];
  const scope = scopeOf(machine);
  scope.actionExecutor = (action) => void actions.push(action);
  const next = machine.getInitialSnapshot(scope, input) as SnapshotFrom<M>;
  return [next, actions];
};
