import { defineConfig } from 'drizzle-kit';

/** `npm run db:generate` writes a new migration into drizzle/migrations after a schema change. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/schema.ts',
  out: './drizzle/migrations',
});
