import { bootstrapWorkspace } from './bootstrap.js';
import type { Config } from './config.js';
import type { KeyScope } from './keys.js';
import { createKey } from './runtime/api-keys.js';
import { exportJourney, importJourney, importSchemaFor } from './runtime/journeys.js';
import { listRuns, runListQuerySchema } from './runtime/runs.js';
import { replayJourney, replayStoredRun } from './runtime/replay.js';
import { backtestRequestSchema, cancelBacktest, getBacktest, startBacktest, type BacktestView } from './runtime/backtests.js';
import { progressLine, reportLines } from './backtest-text.js';
import { createServices } from './services-factory.js';
import type { Services } from './services.js';
import { startServer } from './start.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readFile(path: string): string;
  /** A progress line that replaces the previous one (a terminal rewrites it in place; `done` on the last); defaults to `err`. */
  progress?(line: string, done: boolean): void;
  /** Aborting it cancels a running backtest (the CLI binds it to Ctrl-C). */
  signal?: AbortSignal;
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
                                 re-run recorded inputs through the pinned version and compare
  backtest <journeyId> --from DATE --to DATE [--version draft|N] [--no-compare]
           [--customers RULE_JSON] [--limit N] [--json]
                                 what-if: simulate over stored history with a progress bar
                                 (Ctrl-C cancels and prints the partial report)`;

const flag = (args: string[], name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};

/** Flags that stand alone; every other `--flag` takes the next argument as its value. */
const switches = new Set(['--replace', '--json', '--compare', '--no-compare']);

/** The first argument that is neither a flag nor a flag's value (`rapport backtest --from X <journeyId>`). */
const positional = (args: string[]): string | undefined =>
  args.find((a, i) => !a.startsWith('--') && !(i > 0 && (args[i - 1] ?? '').startsWith('--') && !switches.has(args[i - 1] ?? '')));

/** The commands besides `start` (each a case of `runCommand`, `migrate` handled by `runCli`). */
const commands = ['migrate', 'import', 'export', 'runs', 'keys', 'webhook-secret', 'replay', 'backtest'] as const;

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
  if (!(commands as readonly string[]).includes(command)) {
    io.err(command === 'help' || command === '--help' ? usage : `unknown command "${command}"\n${usage}`);
    return command === 'help' || command === '--help' ? 0 : 2;
  }
  const handle = await createServices({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  try {
    const { workspaceId, webhookSecret } = await bootstrapWorkspace(handle.services, { admin: config.RAPPORT_ADMIN_KEY, write: config.RAPPORT_WRITE_KEY });
    if (command === 'migrate') {
      io.out(`database ${handle.database.kind} ${handle.database.location} is up to date`);
      return 0;
    }
    return await runCommand(handle.services, { workspaceId, webhookSecret: config.RAPPORT_WEBHOOK_SECRET ?? webhookSecret }, command, args, io);
  } catch (error) {
    io.err(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await handle.database.close();
  }
};

/** A command other than start and migrate, on open services of one workspace. Returns the exit code. */
export const runCommand = async (services: Services, workspace: { workspaceId: string; webhookSecret: string }, command: string, args: string[], io: CliIo): Promise<number> => {
  const { workspaceId } = workspace;
  try {
    switch (command) {
      case 'import': {
        const file = positional(args);
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
        const runId = positional(args);
        if (!runId) throw new Error('usage: rapport replay <runId> | --journey <journeyId> [--version N]');
        const result = await replayStoredRun(services, workspaceId, runId);
        io.out(`run ${runId} (${result.steps} steps): ${describe(result.divergence)}`);
        return result.matched ? 0 : 1;
      }
      case 'backtest':
        return await backtestCommand(services, workspaceId, args, io);
      case 'webhook-secret':
        io.out(workspace.webhookSecret);
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
  }
};

const backtestUsage = 'usage: rapport backtest <journeyId> --from 2026-11-01 --to 2026-12-01 [--version draft|N] [--no-compare] [--customers RULE_JSON] [--limit N] [--json]';

/** A date flag: an ISO date or date-time (a bare date is midnight UTC) or epoch milliseconds. */
const dateFlag = (value: string | undefined): string | number | undefined => {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
};

const backtestRequestFromArgs = (args: string[]): unknown => {
  const version = flag(args, 'version');
  const limit = flag(args, 'limit');
  const rule = flag(args, 'customers');
  let customers: unknown;
  if (rule !== undefined) {
    try {
      customers = JSON.parse(rule) as unknown;
    } catch {
      throw new Error(`--customers is not JSON: pass a rule such as '{"kind":"condition","field":"customer.cluster","operator":"eq","value":"star"}'`);
    }
  }
  return {
    from: dateFlag(flag(args, 'from')),
    to: dateFlag(flag(args, 'to')),
    ...(version === undefined ? {} : { version: version === 'draft' ? 'draft' : Number(version) }),
    ...(args.includes('--no-compare') ? { compare: false } : args.includes('--compare') ? { compare: true } : {}),
    ...(customers === undefined ? {} : { customers }),
    ...(limit === undefined ? {} : { limit: Number(limit) }),
  };
};

/** The signal that cancels a backtest: the caller's, or Ctrl-C for the duration of the command. */
const interruptSignal = (io: CliIo): { signal: AbortSignal; release(): void } => {
  if (io.signal) return { signal: io.signal, release: () => undefined };
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, release: () => process.off('SIGINT', onInterrupt) };
};

/** `rapport backtest`: starts the same backtest the API does, shows its progress, prints the report. Exit 0 done, 1 failed, 130 cancelled. */
const backtestCommand = async (services: Services, workspaceId: string, args: string[], io: CliIo): Promise<number> => {
  const journeyId = positional(args);
  if (!journeyId) throw new Error(`name the journey\n${backtestUsage}`);
  const parsed = backtestRequestSchema.safeParse(backtestRequestFromArgs(args));
  if (!parsed.success) {
    io.err(`the backtest request is not valid: ${parsed.error.issues.map((i) => `--${String(i.path[0] ?? '?')}${i.path.length > 1 ? ` (${i.path.slice(1).join('.')})` : ''}: ${i.message}`).join('; ')}\n${backtestUsage}`);
    return 2;
  }
  const progress = io.progress ?? ((line: string) => io.err(line));
  const { signal, release } = interruptSignal(io);
  try {
    let view: BacktestView = await startBacktest(services, workspaceId, journeyId, parsed.data);
    let cancelled = false;
    let shown = -1;
    for (;;) {
      if (signal.aborted && !cancelled) {
        cancelled = true;
        cancelBacktest(services, workspaceId, view.id);
      }
      view = getBacktest(services, workspaceId, view.id);
      const done = view.status !== 'running';
      // One line per 5 % (and the last), so a log does not fill up with the same bar.
      const step = view.progress.totalCustomers === 0 ? 20 : Math.floor((view.progress.customers / view.progress.totalCustomers) * 20);
      if (done || step !== shown) progress(progressLine(view), done);
      shown = step;
      if (done) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (args.includes('--json')) io.out(JSON.stringify(view, null, 2));
    else for (const line of reportLines(view)) io.out(line);
    return view.status === 'done' ? 0 : view.status === 'cancelled' ? 130 : 1;
  } finally {
    release();
  }
};
