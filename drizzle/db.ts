import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.js';

/** One type for both drivers: the code above this line never knows which database it talks to. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Where the data lives: the PGlite directory ("memory" for in-memory) or the PostgreSQL URL without password. */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, the embedded PGlite database is used. */
  url?: string | undefined;
  /** PGlite data directory; "memory://" (or undefined with `memory: true`) keeps it in memory. */
  dataDir?: string | undefined;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
}

/** Advisory lock id for migrations ("rapport" in ASCII, as a number). */
const migrationLockKey = 0x7261_7070_6f72;

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/**
 * A postgres.js client for a connection string. Besides `postgres://user:pass@host:port/db`, the
 * libpq form for a Unix socket works: `postgres://user@localhost/db?host=/var/run/postgresql` (the
 * directory of the server's socket). A socket on the same machine costs far less per statement
 * than TCP over loopback.
 */
export const connectPostgres = (url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}) => {
  const parsed = new URL(url);
  const socketDir = parsed.searchParams.get('host');
  if (!socketDir?.startsWith('/')) return postgres(url, options);
  parsed.searchParams.delete('host');
  return postgres(parsed.toString(), { ...options, path: `${socketDir.replace(/\/+$/, '')}/.s.PGSQL.${parsed.port || 5432}` });
};

/** Opens the database and applies pending migrations. */
export const openDatabase = async (options: DatabaseOptions): Promise<DatabaseHandle> => {
  if (options.url) {
    const client = connectPostgres(options.url, { max: options.poolSize ?? 10, onnotice: () => undefined });
    const db = drizzlePostgres(client, { schema });
    // Several processes may start at once on a fresh database: migrate under an advisory lock
    // (held on its own connection), so the others wait and then find the migrations applied.
    const lock = connectPostgres(options.url, { max: 1, onnotice: () => undefined });
    try {
      await lock`select pg_advisory_lock(${migrationLockKey})`;
      await migratePostgres(db, { migrationsFolder });
    } finally {
      await lock`select pg_advisory_unlock(${migrationLockKey})`.catch(() => undefined);
      await lock.end({ timeout: 5 });
    }
    return { db: db as unknown as Database, kind: 'postgres', location: redact(options.url), close: () => client.end({ timeout: 5 }) };
  }
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  return { db: db as unknown as Database, kind: 'pglite', location: dataDir, close: () => client.close() };
};

/** Runs raw SQL and returns its rows, whichever driver is underneath. */
export const queryRows = async <Row>(db: Executor, query: SQL): Promise<Row[]> => {
  const result = (await db.execute(query)) as unknown as Row[] | { rows: Row[] };
  return Array.isArray(result) ? result : result.rows;
};

export { schema, sql };
