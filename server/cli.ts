import { randomUUID } from 'node:crypto';
import { apiKeys } from '../drizzle/schema.js';
import { bootstrapWorkspace } from './bootstrap.js';
import type { Config } from './config.js';
import { generateKey, hashKey, type KeyScope } from './keys.js';
import { exportJourney, importJourney, importSchemaFor } from './runtime/journeys.js';
import { listRuns, runListQuerySchema } from './runtime/runs.js';
import { createServices } from './services-factory.js';
import { startServer } from './start.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readFile(path: string): string;
}

const usage = `usage: rapport <command>
  start                          start the API, worker and dispatcher (default)
  migrate                        apply database migrations and exit
  import <file.json> [--replace] import a journey (export format or a bare graph) as a draft
  export <journeyId>             print a journey as JSON
  runs [--journey ID] [--customer ID] [--status active|done] [--limit N]
                                 list runs, newest first
  keys create <admin|write|read> create an API key (printed once)
  webhook-secret                 print the secret outbound webhooks are signed with`;

const flag = (args: string[], name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};

/** The CLI: the same service functions the HTTP API uses. Returns the exit code. */
export const runCli = async (command: string, args: string[], config: Config, io: CliIo): Promise<number> => {
  if (command === 'start') {
    const server = await startServer(config, io.out);
    await new Promise<void>((resolve) => {
      const shutdown = () => void server.stop().then(resolve);
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });
    return 0;
  }
  if (!['migrate', 'import', 'export', 'runs', 'keys', 'webhook-secret'].includes(command)) {
    io.err(command === 'help' || command === '--help' ? usage : `unknown command "${command}"\n${usage}`);
    return command === 'help' || command === '--help' ? 0 : 2;
  }
  const handle = await createServices({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const { services } = handle;
  try {
    const { workspaceId, webhookSecret } = await bootstrapWorkspace(services.db, services.now, { admin: config.RAPPORT_ADMIN_KEY, write: config.RAPPORT_WRITE_KEY });
    switch (command) {
      case 'migrate':
        io.out(`database ${handle.database.kind} ${handle.database.location} is up to date`);
        return 0;
      case 'import': {
        const file = args.find((a) => !a.startsWith('--'));
        if (!file) throw new Error('name the file to import: rapport import journey.json');
        const json = JSON.parse(io.readFile(file)) as unknown;
        const parsed = importSchemaFor(json).safeParse(json);
        if (!parsed.success) {
          io.err(`${file} is not a journey: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
          return 1;
        }
        const { journey, replaced } = await importJourney(services, workspaceId, parsed.data, { replace: args.includes('--replace') });
        io.out(`${replaced ? 'replaced the draft of' : 'imported'} journey ${journey.id}; publish it with POST /v1/journeys/${journey.id}/publish`);
        return 0;
      }
      case 'export': {
        const id = args[0];
        if (!id) throw new Error('name the journey: rapport export <journeyId>');
        io.out(JSON.stringify(await exportJourney(services, workspaceId, id), null, 2));
        return 0;
      }
      case 'runs': {
        const query = runListQuerySchema.parse({ journeyId: flag(args, 'journey'), customerId: flag(args, 'customer'), status: flag(args, 'status'), limit: flag(args, 'limit') });
        const page = await listRuns(services, workspaceId, query);
        for (const run of page.runs) {
          io.out([run.id, run.journeyId, `v${run.version}`, run.customerId, run.status, run.outcome ?? '-', run.currentNode, new Date(run.enteredAt).toISOString()].join('\t'));
        }
        if (page.runs.length === 0) io.out('no runs');
        return 0;
      }
      case 'webhook-secret':
        io.out(config.RAPPORT_WEBHOOK_SECRET ?? webhookSecret);
        return 0;
      case 'keys': {
        const scope = args[1] as KeyScope | undefined;
        if (args[0] !== 'create' || !scope || !['admin', 'write', 'read'].includes(scope)) throw new Error('usage: rapport keys create <admin|write|read>');
        const key = generateKey(scope);
        await services.db.insert(apiKeys).values({ id: randomUUID(), workspaceId, scope, hash: hashKey(key), prefix: key.slice(0, 12), name: `${scope} key (CLI)`, createdAt: services.now() });
        io.out(key);
        return 0;
      }
    }
    return 2;
  } catch (error) {
    io.err(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await handle.database.close();
  }
};
