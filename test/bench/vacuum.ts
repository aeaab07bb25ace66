import type postgres from 'postgres';
import { sleep } from './load.js';

/**
 * Rapport's hot tables are queues (events pending, effects pending, timers): every processed row
 * leaves a dead tuple and a dead entry in a partial index that the next claim walks over until
 * VACUUM removes it. A production PostgreSQL runs autovacuum; when the server under test has it
 * switched off (`autovacuum = off`, as on a test machine), this stand-in does the same job from
 * the benchmark: every `naptimeMs` it vacuums the tables past the thresholds below and analyzes
 * those that changed, like autovacuum with
 * `autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0.05` (and the same for analyze),
 * throttled by the server's `autovacuum_vacuum_cost_delay` as autovacuum is.
 */
export const vacuumThreshold = 1_000;
export const vacuumScaleFactor = 0.05;

export interface VacuumStandIn {
  /** Tables vacuumed so far. */
  runs(): number;
  stop(): Promise<void>;
}

export const autovacuumIsOn = async (sql: postgres.Sql): Promise<boolean> => {
  const [row] = await sql<{ on: string }[]>`select current_setting('autovacuum') as on`;
  return row?.on === 'on';
};

export const startVacuumStandIn = (sql: postgres.Sql, naptimeMs = 5_000): VacuumStandIn => {
  let stopped = false;
  let count = 0;
  const vacuumDue = async (): Promise<void> => {
    const due = await sql<{ table: string; vacuum: boolean }[]>`
      select relname as table, n_dead_tup > ${vacuumThreshold}::float8 + ${vacuumScaleFactor}::float8 * n_live_tup as vacuum
      from pg_stat_user_tables
      where schemaname = 'public'
        and (n_dead_tup > ${vacuumThreshold}::float8 + ${vacuumScaleFactor}::float8 * n_live_tup
          or n_mod_since_analyze > ${vacuumThreshold}::float8 + ${vacuumScaleFactor}::float8 * n_live_tup)`;
    for (const { table, vacuum } of due) {
      if (stopped) return;
      await sql.unsafe(`${vacuum ? 'vacuum (analyze)' : 'analyze'} "${table.replace(/"/g, '""')}"`);
      count += 1;
    }
  };
  const loop = (async () => {
    // A manual VACUUM runs unthrottled (vacuum_cost_delay = 0); autovacuum sleeps
    // autovacuum_vacuum_cost_delay (2 ms by default) every vacuum_cost_limit pages' worth of work,
    // so it does not take the CPU away from the queries. Throttle the stand-in the same way.
    await sql`select set_config('vacuum_cost_delay', case when current_setting('autovacuum_vacuum_cost_delay') = '-1' then current_setting('vacuum_cost_delay') else current_setting('autovacuum_vacuum_cost_delay') end, false)`;
    while (!stopped) {
      try {
        await vacuumDue();
      } catch (error) {
        // A failed round is reported and retried; it must not end the benchmark without its clean-up.
        console.error(`  (vacuum stand-in: ${error instanceof Error ? error.message : String(error)})`);
      }
      for (let waited = 0; waited < naptimeMs && !stopped; waited += 100) await sleep(100);
    }
  })();
  return {
    runs: () => count,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
};
