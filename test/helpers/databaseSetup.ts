import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../../src/service/db/pglite.js';
import { startPostgresServer } from './postgresServer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's Postgres server (superuser, `postgres` database); test/helpers/databases.ts makes databases on it. */
    postgresUrl: string;
    /** An empty PGlite cluster that test/helpers/databases.ts copies: a copy opens in a fraction of a fresh one's initdb. */
    pgliteTemplate: string;
  }
}

/**
 * The service project's globalSetup: one Postgres server for the whole run (started once, it costs about a
 * second), and one empty PGlite cluster to copy. Both are gone after the run; the server also if the run is
 * killed (the supervisor's pdeathsig).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = mkdtempSync(join(tmpdir(), 'meetbot-pglite-template-'));
  const server = await startPostgresServer();
  try {
    await (await openPglite(template)).close();
  } catch (err) {
    await server.stop();
    rmSync(template, { recursive: true, force: true });
    throw err;
  }
  project.provide('postgresUrl', server.url);
  project.provide('pgliteTemplate', template);
  return async () => {
    rmSync(template, { recursive: true, force: true });
    await server.stop();
  };
}
