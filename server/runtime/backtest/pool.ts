import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  backtestCustomer,
  bindJourney,
  emptyBacktest,
  mergeBacktests,
  type BacktestAccumulator,
  type BoundJourney,
  type CompiledJourney,
  type CustomerProfile,
  type EventView,
  type SimulationEvent,
} from '../../../workflows/index.js';

/**
 * Backtests are CPU-bound pure simulation: spread pages of customers over worker threads (one per
 * core), each simulating with its own bound machines, and merge their partial reports. Falls back
 * to the calling thread when only one core is available.
 */

export interface BacktestCustomerInput {
  customer: CustomerProfile;
  events: SimulationEvent[];
  history: EventView[];
}

export interface BacktestPage {
  journeys: CompiledJourney[];
  window: { from: number; to: number };
  customers: BacktestCustomerInput[];
}

/** Simulates a page against every journey given (candidate, baseline, …); pure. */
export const simulatePage = (page: BacktestPage, bound: BoundJourney[] = page.journeys.map(bindJourney)): BacktestAccumulator[] =>
  bound.map((journey) => {
    const acc = emptyBacktest();
    for (const input of page.customers) backtestCustomer(acc, journey, input.customer, input.events, page.window, input.history);
    return acc;
  });

const workerUrl = new URL('./worker-entry.mjs', import.meta.url);

export interface BacktestPool {
  size: number;
  /** Simulates a page, merging its results into `into` (one accumulator per journey). */
  run(page: BacktestPage, into: BacktestAccumulator[]): Promise<void>;
  close(): Promise<void>;
}

export const createBacktestPool = (threads = Math.max(1, Math.min(availableParallelism(), 8))): BacktestPool => {
  if (threads <= 1) {
    return {
      size: 1,
      run: async (page, into) => simulatePage(page).forEach((acc, i) => into[i] && mergeBacktests(into[i], acc)),
      close: async () => undefined,
    };
  }
  const workers = Array.from({ length: threads }, () => new Worker(workerUrl));
  const idle = [...workers];
  const waiting: ((worker: Worker) => void)[] = [];
  const acquire = () => new Promise<Worker>((resolve) => (idle.length > 0 ? resolve(idle.pop() as Worker) : waiting.push(resolve)));
  const release = (worker: Worker) => {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  };
  return {
    size: threads,
    run: async (page, into) => {
      const worker = await acquire();
      try {
        const results = await new Promise<BacktestAccumulator[]>((resolve, reject) => {
          const onMessage = (message: { results?: BacktestAccumulator[]; error?: string }) => {
            worker.off('error', onError);
            if (message.error) reject(new Error(message.error));
            else resolve(message.results ?? []);
          };
          const onError = (error: Error) => {
            worker.off('message', onMessage);
            reject(error);
          };
          worker.once('message', onMessage);
          worker.once('error', onError);
          worker.postMessage(page);
        });
        results.forEach((acc, i) => into[i] && mergeBacktests(into[i], acc));
      } finally {
        release(worker);
      }
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
};
