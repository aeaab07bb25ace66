import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { bootstrapWorkspace } from './bootstrap.js';
import type { Config } from './config.js';
import { releaseHandedOver, runDispatcher } from './runtime/dispatcher.js';
import { importExampleContactStrategy } from './runtime/contact-strategy.js';
import { importExampleJourneys } from './runtime/journeys.js';
import { runWorker } from './runtime/worker.js';
import { createServices } from './services-factory.js';
import type { Services } from './services.js';

export interface RunningServer {
  url: string;
  /** The running services (tests seed stored history through them). */
  services: Services;
  stop(): Promise<void>;
}

/** Starts the whole product: database (migrated), HTTP API, worker and dispatcher. */
export const startServer = async (config: Config, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<RunningServer> => {
  const handle = await createServices(config);
  const { services } = handle;
  const boot = await bootstrapWorkspace(services, { admin: config.RAPPORT_ADMIN_KEY, write: config.RAPPORT_WRITE_KEY }, services.log);
  const secretConfigured = Boolean(config.RAPPORT_WEBHOOK_SECRET);
  // Outbound webhooks are signed with the configured secret, else the workspace's stored one (stable across restarts).
  services.config.RAPPORT_WEBHOOK_SECRET ??= boot.webhookSecret;
  if (boot.created && config.RAPPORT_EXAMPLES === 'true') {
    // The strategy first: the examples' tasks pick its dialogue scripts by name.
    const strategy = await importExampleContactStrategy(services, boot.workspaceId);
    services.log.info({ version: strategy?.version ?? null }, 'example contact strategy saved');
    const imported = await importExampleJourneys(services, boot.workspaceId);
    services.log.info({ journeys: imported }, 'example journeys imported and published');
  }
  const app = createApp(services);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s));
    // Keep idle connections longer than clients and load balancers do (60 s is the common idle
    // timeout). With Node's default of 5 s, a client reusing a connection just as the server
    // closes it gets ECONNRESET on a request the server never read.
    if ('keepAliveTimeout' in s) {
      s.keepAliveTimeout = 65_000;
      s.headersTimeout = 66_000;
    }
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;

  const controller = new AbortController();
  const loops = Promise.all([
    runWorker(services, controller.signal, handle.onWake),
    runDispatcher(services, controller.signal, { onWake: handle.onWake }),
  ]);

  const writeKey = boot.generatedKeys.find((k) => k.scope === 'write')?.key ?? config.RAPPORT_WRITE_KEY ?? '<your write key>';
  print(`Rapport is running at ${url} (database: ${handle.database.kind} ${handle.database.location})`);
  for (const { scope, key } of boot.generatedKeys) print(`  ${scope} key (shown once, keep it): ${key}`);
  if (boot.created && !secretConfigured) print(`  webhook signing secret (for receivers; \`npx rapport webhook-secret\` shows it again): ${boot.webhookSecret}`);
  print(`Try it:`);
  print(
    `  curl -u '${writeKey}:' -H 'content-type: application/json' -d '{"userId":"ada","event":"E-book Downloaded","properties":{"title":"CRM basics"}}' ${url}/v1/track`,
  );

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      services.log.info('shutting down: no new requests, finishing batches in flight');
      // Stop claiming work at once; batches in flight finish and commit.
      controller.abort();
      // Requests in flight are answered; idle keep-alive connections are closed as they go idle
      // (server.close() alone would wait for clients to drop them), and after a grace period all.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const http = server as unknown as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
      const idle = setInterval(() => http.closeIdleConnections?.(), 50);
      const grace = setTimeout(() => http.closeAllConnections?.(), 10_000);
      http.closeIdleConnections?.();
      await closed;
      clearInterval(idle);
      clearTimeout(grace);
      await loops;
      const released = await releaseHandedOver(services);
      if (released > 0) services.log.info({ effects: released }, 'effects not yet performed given back to the outbox');
      await handle.database.close();
    })());
  return { url, services, stop };
};
