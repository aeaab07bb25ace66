import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * The real product as a subprocess for the benchmark: `tsx server/main.ts start` (run as
 * `node --import tsx`, which is what the tsx CLI does, so that the child's pid is the server's own
 * and its RSS can be read from /proc), on a free port, with fixed keys and quiet logs.
 */
export const adminKey = 'rk_admin_bench_0123456789abcdef';
export const writeKey = 'rk_write_bench_0123456789abcdef';
const webhookSecret = 'whsec_YmVuY2gtc2VjcmV0LWJlbmNoLXNlY3JldC1iZW5jaA==';
/** Seals secrets at rest (required on PostgreSQL); fixed so a bench can reopen a database it seeded. */
const secretKey = 'YmVuY2gtc2VjcmV0LWtleS0zMi1ieXRlcy1yYXBwISE=';
const root = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchServer {
  url: string;
  pid: number;
  /** Resident set size and its peak so far (VmHWM), in MiB. */
  memory(): { rssMiB: number; peakMiB: number };
  /** CPU time the server process has used (user + system), ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Settings passed through from the bench's own environment (to try worker settings without editing code). */
const passThrough = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => (e[0].startsWith('RAPPORT_') || e[0].startsWith('PG')) && e[1] !== undefined));

export const startBenchServer = async (databaseUrl: string, options: { profileDir?: string | undefined; timeoutMs?: number } = {}): Promise<BenchServer> => {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts', 'start'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      ...passThrough(process.env),
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      RAPPORT_ADMIN_KEY: adminKey,
      RAPPORT_WRITE_KEY: writeKey,
      RAPPORT_EXAMPLES: 'false',
      RAPPORT_WEBHOOK_SECRET: webhookSecret,
      RAPPORT_SECRET_KEY: secretKey,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the server');
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(`[server] ${chunk.toString()}`);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready\n${stderr}`));
    });
  });
  return {
    url,
    pid,
    memory: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
    },
    cpuMs: () => {
      // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** A small keep-alive HTTP client for 127.0.0.1 (node:http is lighter than fetch for a load generator). */
export const createClient = (baseUrl: string, connections: number) => {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const base = new URL(baseUrl);
  if (base.hostname !== '127.0.0.1') throw new Error('the benchmark only talks to 127.0.0.1');
  const call = (method: string, path: string, body: unknown, authorization: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: {
            authorization,
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const expectOk = async (method: string, path: string, body: unknown, authorization: string) => {
    let res: { status: number; text: string } | undefined;
    // A keep-alive connection the server closed just as it was reused: send again (bench calls carry message ids, so a repeat is a no-op).
    for (let attempt = 1; !res; attempt += 1) {
      try {
        res = await call(method, path, body, authorization);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (attempt >= 3 || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw error;
      }
    }
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 500)}`);
    return res.text;
  };
  return {
    admin: (method: string, path: string, body?: unknown) => expectOk(method, path, body, `Bearer ${adminKey}`),
    batch: (calls: readonly object[]) => expectOk('POST', '/v1/batch', { batch: calls }, `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`),
    close: () => agent.destroy(),
  };
};
export type BenchClient = ReturnType<typeof createClient>;
