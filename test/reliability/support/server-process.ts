import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request, type Agent } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { adminKey, writeKey } from '../../support/harness.js';

/**
 * The real product as a child process (`node --import tsx server/main.ts start`), so a test can
 * SIGKILL or SIGTERM it like an orchestrator would. `node --import tsx` (not `npx tsx`, which runs
 * the server in a grandchild and relays signals) makes the child's pid the server's own pid.
 */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A Standard Webhooks secret ("whsec_" + base64 of 32 bytes), one per test process. */
export const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
/** The key that seals secrets at rest (required on PostgreSQL), shared by every server this test process starts. */
export const secretKey = randomBytes(32).toString('base64');

/** A port nothing listens on right now: bind port 0 on 127.0.0.1, read it, close. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<Exit>;
  /** The last ~32 KB of stdout and stderr, for failure messages. */
  output(): string;
  /** Log lines at level error (50) or fatal (60), as printed by pino. */
  errorLines(): string[];
  /** Sends `signal` and waits (at most `timeoutMs`) for the exit; SIGKILLs and throws if it does not come. */
  signal(signal: NodeJS.Signals, timeoutMs?: number): Promise<Exit & { ms: number }>;
}

/** Every server process started and not yet exited, so none outlives its test (see `killAllServers`). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** SIGKILLs every server process still running (for `afterAll`, whatever state a failed test left). */
export const killAllServers = async (): Promise<void> => {
  const exits = [...running].map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()))));
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(exits);
};

export interface ServerOptions {
  databaseUrl: string;
  port: number;
  env?: Record<string, string>;
  /** Extra node flags (e.g. `--cpu-prof` to see where a slow run spends its time). */
  nodeArgs?: string[];
}

/** Starts the server and waits until GET /healthz answers 200 (at most `readyTimeoutMs`). */
export const startServer = async (options: ServerOptions, readyTimeoutMs = 20_000): Promise<ServerProcess> => {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    DATABASE_URL: options.databaseUrl,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    RAPPORT_ADMIN_KEY: adminKey,
    RAPPORT_WRITE_KEY: writeKey,
    RAPPORT_EXAMPLES: 'false',
    LOG_LEVEL: 'warn',
    RAPPORT_POLL_MS: '20',
    RAPPORT_WEBHOOK_SECRET: webhookSecret,
    RAPPORT_SECRET_KEY: secretKey,
    // The webhook sink is a local server: private addresses are refused unless allow-listed.
    RAPPORT_OUTBOUND_ALLOW: '127.0.0.1',
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts', 'start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let log = '';
  const errors: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    log = (log + text).slice(-32_000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (/"level":(50|60)/.test(line)) errors.push(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));
  const url = `http://127.0.0.1:${options.port}`;
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the server: ${log}`);

  const server: ServerProcess = {
    url,
    pid,
    exited,
    output: () => log,
    errorLines: () => [...errors],
    async signal(signal, timeoutMs = 10_000) {
      const started = performance.now();
      if (!done) process.kill(pid, signal);
      const timeout = sleep(timeoutMs).then(() => null);
      const exit = await Promise.race([exited, timeout]);
      if (exit === null) {
        process.kill(pid, 'SIGKILL');
        await exited;
        throw new Error(`the server did not exit within ${timeoutMs} ms of ${signal}; killed it. Output:\n${log}`);
      }
      return { ...exit, ms: Math.round(performance.now() - started) };
    },
  };

  const deadline = performance.now() + readyTimeoutMs;
  for (;;) {
    if (done) throw new Error(`the server exited before it was ready (${JSON.stringify(await exited)}). Output:\n${log}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return server;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) {
      await server.signal('SIGKILL').catch(() => undefined);
      throw new Error(`the server was not ready within ${readyTimeoutMs} ms. Output:\n${log}`);
    }
    await sleep(50);
  }
};

/** A management call with the admin key; returns the status and the parsed JSON body. */
export const adminCall = async (baseUrl: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as unknown };
};

/**
 * POSTs `calls` to /v1/batch with the write key (as a Segment library does). Returns the HTTP
 * status, or the network error's text when there was no answer (server down or killed mid-request).
 */
export const postBatch = async (baseUrl: string, calls: readonly unknown[], timeoutMs = 10_000): Promise<number | string> => {
  try {
    const response = await fetch(`${baseUrl}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch: calls }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code : undefined;
    return error instanceof Error ? `${error.name}: ${error.message}${cause ? ` (${cause})` : ''}` : String(error);
  }
};

/** A counter from GET /metrics (`name` or `name{labels}` exactly as rendered), 0 when absent. */
export const readMetric = async (baseUrl: string, key: string): Promise<number> => {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  const line = text.split('\n').find((l) => l.startsWith(`${key} `));
  return line === undefined ? 0 : Number(line.slice(key.length + 1));
};

/**
 * A /v1/batch POST over node:http whose body is sent in two halves: the request is in flight (headers
 * received, body incomplete) until `finish()` sends the rest. `agent` decides keep-alive.
 */
export const openBatchRequest = (baseUrl: string, calls: readonly unknown[], agent: Agent) => {
  const body = Buffer.from(JSON.stringify({ batch: calls }));
  const half = Math.floor(body.length / 2);
  const { hostname, port } = new URL(baseUrl);
  let settle: (answer: number | string) => void = () => undefined;
  const answer = new Promise<number | string>((resolve) => (settle = resolve));
  const req = request(
    {
      host: hostname,
      port: Number(port),
      method: 'POST',
      path: '/v1/batch',
      agent,
      timeout: 15_000,
      headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json', 'content-length': String(body.length) },
    },
    (response) => {
      response.resume();
      response.on('end', () => settle(response.statusCode ?? 0));
      response.on('error', (error) => settle(`response error: ${error.message}`));
    },
  );
  req.on('error', (error: NodeJS.ErrnoException) => settle(`${error.message}${error.code ? ` (${error.code})` : ''}`));
  req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
  const sent = new Promise<void>((resolve) => req.write(body.subarray(0, half), () => resolve()));
  return {
    /** Resolves once the first half of the body has been written to the socket. */
    sent,
    /** Sends the rest of the body and resolves with the status (or the network error). */
    finish(): Promise<number | string> {
      req.end(body.subarray(half));
      return answer;
    },
  };
};
