import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { connectPostgres } from '../../drizzle/db.js';

/**
 * Tests run on PGlite (in memory) by default and on PostgreSQL when DATABASE_URL is set. On
 * PostgreSQL each harness gets a fresh database, dropped when it closes.
 */
export const postgresUrl = process.env.DATABASE_URL;

export interface TestDatabase {
  url: string | undefined;
  drop(): Promise<void>;
}

export const createTestDatabase = async (): Promise<TestDatabase> => {
  if (!postgresUrl) return { url: undefined, drop: async () => undefined };
  const name = `rapport_test_${randomBytes(6).toString('hex')}`;
  const admin = connectPostgres(postgresUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = connectPostgres(postgresUrl, { max: 1, onnotice: () => undefined });
      await client.unsafe(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
};
