import { createActor, type ActorScope, type AnyStateMachine, type ExecutableActionObject, type InputFrom, type SnapshotFrom } from 'xstate';

/**
 * XState's pure `transition()` / `initialTransition()` with the actor scope made once per machine
 * instead of once per call. XState's functions build a throwaway actor for every call, and an actor
 * computes its machine's initial snapshot when it is constructed — for us (a context factory that
 * needs the run's input) a failing initial snapshot caught inside XState, every step. That was a
 * fifth of a simulated step's time. The scope below is inert in the same way as XState's: actions
 * are collected, never executed (no scheduler, no children, no emitted events), so the result is
 * exactly what `transition()` returns.
 */
export interface PureTransitions<TMachine extends AnyStateMachine> {
  /** As `initialTransition(machine, input)`. */
  initial(input: InputFrom<TMachine>): [SnapshotFrom<TMachine>, ExecutableActionObject[]];
  /** As `transition(machine, snapshot, event)`. */
  next(snapshot: SnapshotFrom<TMachine>, event: Parameters<TMachine['transition']>[1]): [SnapshotFrom<TMachine>, ExecutableActionObject[]];
}

/**
 * `placeholder` is an input the machine can start from (the actor made for the scope computes an
 * initial snapshot once; it is never started).
 */
export const pureTransitions = <TMachine extends AnyStateMachine>(machine: TMachine, placeholder: InputFrom<TMachine>): PureTransitions<TMachine> => {
  const self = createActor(machine, { input: placeholder });
  let collected: ExecutableActionObject[] = [];
  const scope: ActorScope<SnapshotFrom<TMachine>, Parameters<TMachine['transition']>[1]> = {
    self,
    id: '',
    sessionId: '',
    logger: () => undefined,
    defer: () => undefined,
    emit: () => undefined,
    system: self.system,
    stopChild: () => undefined,
    actionExecutor: (action) => {
      collected.push(action);
    },
  };
  const take = (): ExecutableActionObject[] => {
    const actions = collected;
    collected = [];
    return actions;
  };
  return {
    initial: (input) => {
      collected = [];
      const snapshot = machine.getInitialSnapshot(scope, input) as SnapshotFrom<TMachine>;
      return [snapshot, take()];
    },
    next: (snapshot, event) => {
      collected = [];
      const next = machine.transition(snapshot, event, scope) as SnapshotFrom<TMachine>;
      return [next, take()];
    },
  };
};
