import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { shot, start, stop, type Session } from './browser.js';

/**
 * Registers a browser suite's hooks (inside its `describe`): the product and Chromium start before
 * the first test and stop after the last, which fails on any page or console error left unclaimed
 * (see `expectConsoleErrors`); a failing test leaves a screenshot. Returns the session.
 */
export const browserSession = (examples: boolean, options: { downloads?: boolean } = {}): (() => Session) => {
  let session: Session | undefined;
  beforeAll(async () => {
    session = await start(examples, options);
  }, 180_000);
  afterAll(async () => {
    const errors = session?.errors ?? [];
    await stop(session);
    expect(errors).toStrictEqual([]);
  }, 60_000);
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && session) await shot(session.page, `failed-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
  });
  return () => {
    if (!session) throw new Error('the browser session did not start');
    return session;
  };
};
