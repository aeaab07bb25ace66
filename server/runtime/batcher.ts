/**
 * Coalesces calls made during one turn of the event loop into one call of `flush`: every caller
 * gets its own answer, the database gets one statement. `flush` receives the inputs in call order
 * and must answer with one output per input, in the same order. When it throws, every caller of
 * that batch gets the error.
 *
 * The dispatcher performs a round's effects concurrently; each effect's reads and writes go
 * through batchers, so a round of 200 emails costs a handful of statements, not a thousand.
 */
export type Batched<In, Out> = (input: In) => Promise<Out>;

export const createBatcher = <In, Out>(flush: (inputs: readonly In[]) => Promise<readonly Out[]>): Batched<In, Out> => {
  let queue: { input: In; resolve: (output: Out) => void; reject: (error: unknown) => void }[] = [];
  const run = async () => {
    const batch = queue;
    queue = [];
    try {
      const outputs = await flush(batch.map((entry) => entry.input));
      if (outputs.length !== batch.length) throw new Error(`a batch of ${batch.length} got ${outputs.length} answers`);
      batch.forEach((entry, i) => entry.resolve(outputs[i] as Out));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  };
  return (input) =>
    new Promise<Out>((resolve, reject) => {
      // setImmediate runs after the promise jobs of this turn: callers that reach here together share a batch.
      if (queue.length === 0) setImmediate(() => void run());
      queue.push({ input, resolve, reject });
    });
};
