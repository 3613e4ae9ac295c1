import { afterAll, beforeAll } from 'vitest';
import { startMockServer, type MockServer } from '../../fixtures/mock/server.js';
import { startBot, type BotProcess, type StartBotOptions } from './botProcess.js';
import { MockClient } from './mockClient.js';

export interface MockSuite {
  /** The control API of the file's mock server, usable from the first test on. */
  client: MockClient;
  /** Starts a real bot (the compiled CLI) that is killed when the file's tests are done, whatever happened. */
  startBot(opts: StartBotOptions): BotProcess;
}

/**
 * One mock server for a test file: up before its first test, down after its last, every bot started through
 * the suite killed first. A file's own after-hooks run before these (vitest runs them as a stack).
 */
export function useMockServer(): MockSuite {
  let server: MockServer | undefined;
  const bots: BotProcess[] = [];
  const client = new MockClient(() => {
    if (!server) throw new Error('the mock server is not up yet (use the client inside tests or hooks)');
    return server.url;
  });
  beforeAll(async () => {
    server = await startMockServer();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop('SIGKILL')));
    await server?.close();
  });
  return {
    client,
    startBot: (opts) => {
      const b = startBot(opts);
      bots.push(b);
      return b;
    },
  };
}
