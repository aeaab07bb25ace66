import { bootstrapWorkspace } from './bootstrap.js';
import type { Config } from './config.js';
import type { KeyScope } from './keys.js';
import { createKey } from './runtime/api-keys.js';
import { exportJourney, importJourney, importSchemaFor } from './runtime/journeys.js';
import { listRuns, runListQuerySchema } from './runtime/runs.js';
import { replayJourney, replayStoredRun } from './runtime/replay.js';
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
  webhook-secret                 print the secret outbound webhooks are signed with
  replay <runId> | --journey ID [--version N]
                                 re-run recorded inputs through the pinned version and compare`;

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
  if (!['migrate', 'import', 'export', 'runs', 'keys', 'webhook-secret', 'replay'].includes(command)) {
    io.err(command === 'help' || command === '--help' ? usage : `unknown command "${command}"\n${usage}`);
    return command === 'help' || command === '--help' ? 0 : 2;
  }
  const handle = await createServices({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const { services } = handle;
  try {
    const { workspaceId, webhookSecret } = await bootstrapWorkspace(services, { admin: config.RAPPORT_ADMIN_KEY, write: config.RAPPORT_WRITE_KEY });
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
      case 'replay': {
        const journeyId = flag(args, 'journey');
        const describe = (d: { seq: number; message: string } | null) => (d ? `diverges at step ${d.seq}: ${d.message}` : 'matches');
        if (journeyId) {
          const version = flag(args, 'version');
          const report = await replayJourney(services, workspaceId, journeyId, { version: version === undefined ? undefined : Number(version) });
          io.out(`${report.matched} of ${report.runs} runs of ${journeyId} replay exactly`);
          for (const run of report.diverged) io.out(`  ${run.runId}: ${describe(run.divergence)}`);
          return report.diverged.length === 0 ? 0 : 1;
        }
        const runId = args.find((a) => !a.startsWith('--'));
        if (!runId) throw new Error('usage: rapport replay <runId> | --journey <journeyId> [--version N]');
        const result = await replayStoredRun(services, workspaceId, runId);
        io.out(`run ${runId} (${result.steps} steps): ${describe(result.divergence)}`);
        return result.matched ? 0 : 1;
      }
      case 'webhook-secret':
        io.out(config.RAPPORT_WEBHOOK_SECRET ?? webhookSecret);
        return 0;
      case 'keys': {
        const scope = args[1] as KeyScope | undefined;
        if (args[0] !== 'create' || !scope || !['admin', 'write', 'read'].includes(scope)) throw new Error('usage: rapport keys create <admin|write|read>');
        const { key } = await createKey(services, workspaceId, { name: `${scope} key (CLI)`, scope }, null);
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
