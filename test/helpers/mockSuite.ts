import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startMockServer, type MockServer } from '../../fixtures/mock/server.js';
import { startBot, type BotProcess, type StartBotOptions } from './botProcess.js';
import { launchTestBrowser, MockClient } from '../../fixtures/mock/client.js';

export interface MockSuite {
  /** The control API of the file's mock server, usable from the first test on. */
  client: MockClient;
  /** Starts a real bot (the compiled CLI) that is killed when the file's tests are done, whatever happened. */
  startBot: (opts: StartBotOptions) => BotProcess;
  /** A context of the file's test browser (with `{ browser: true }`), for driving the mock's pages directly. */
  newContext: (opts?: BrowserContextOptions) => Promise<BrowserContext>;
}

/**
 * One mock server for a test file: up before its first test, down after its last, every bot started through
 * the suite killed first. With `browser`, a test browser too, closed before the server. A file's own
 * after-hooks run before these (vitest runs them as a stack).
 */
export function useMockServer(opts: { browser?: boolean } = {}): MockSuite {
  let server: MockServer | undefined;
  let browser: Browser | undefined;
  const bots: BotProcess[] = [];
  const client = new MockClient(() => {
    if (!server) throw new Error('the mock server is not up yet (use the client inside tests or hooks)');
    return server.url;
  });
  beforeAll(async () => {
    server = await startMockServer();
    if (opts.browser) browser = await launchTestBrowser();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop('SIGKILL')));
    await browser?.close();
    await server?.close();
  });
  return {
    client,
    startBot: (botOpts) => {
      const b = startBot(botOpts);
      bots.push(b);
      return b;
    },
    newContext: (contextOpts) => {
      if (!browser) throw new Error('useMockServer({ browser: true }) starts the test browser');
      return browser.newContext(contextOpts);
    },
  };
}
