import { readFileSync } from 'node:fs';
import type postgres from 'postgres';

/**
 * What the PostgreSQL side of a benchmark has used so far, read from the benchmark's own
 * connection (application_name "rapport-bench", not counted; the vacuum stand-in's is, as autovacuum's would be): CPU of the backends serving the
 * benchmark's database (from /proc, so the server must run on this machine) and the rows its
 * statements inserted, updated and deleted (pg_stat_user_tables, reported by backends at most
 * once a second).
 */
export interface PostgresUsage {
  postgresMs: number;
  rowWrites: number;
}

export const postgresUsage = async (sql: postgres.Sql): Promise<PostgresUsage> => {
  const pids = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and application_name <> 'rapport-bench'`;
  let postgresMs = 0;
  for (const { pid } of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      postgresMs += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // The backend ended meanwhile.
    }
  }
  const [writes] = await sql<{ n: number }[]>`select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::float8 as n from pg_stat_user_tables`;
  return { postgresMs, rowWrites: writes?.n ?? 0 };
};
