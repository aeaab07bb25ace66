import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { bindJourney, type BoundJourney, type CompiledJourney } from '../../../workflows/index.js';
import { simulatePage, type BacktestPage } from './pool.js';

/** A backtest worker thread: simulates the pages it is sent and posts the partial reports back. */
const machines = new Map<string, BoundJourney>();
const bound = (compiled: CompiledJourney): BoundJourney => {
  const key = createHash('sha256').update(JSON.stringify(compiled)).digest('hex');
  let machine = machines.get(key);
  if (!machine) {
    machine = bindJourney(compiled);
    if (machines.size > 20) machines.clear();
    machines.set(key, machine);
  }
  return machine;
};

parentPort?.on('message', (page: BacktestPage) => {
  try {
    parentPort?.postMessage({ results: simulatePage(page, page.journeys.map(bound)) });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
