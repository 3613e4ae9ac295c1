import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Holds `dir` for this process: PGlite takes no lock on its folder, and two processes (or two instances in one
 * process) writing one folder corrupt it. The lock is a Linux abstract unix socket named after the folder: the
 * kernel frees it when the process dies, SIGKILL included, so there is no stale lock to judge (a pid file
 * would name a pid the next container start reuses). It covers processes sharing one network namespace, which
 * is one machine or one container. Resolves with the release.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const name = `\0meetbot-pglite-${createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 40)}`;
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`the data folder ${dir} is in use by another meetbot service (one service per folder)`) : err),
    );
    server.listen({ path: name }, resolve);
  });
  // The lock must not keep the process alive by itself.
  server.unref();
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
