import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisedProcess } from '../../src/process/supervisor.js';

/**
 * A throwaway Postgres server from Debian's `postgresql` package for the test suite: a new cluster in a
 * temporary folder, reachable only through a unix socket in that folder (no port to collide with), run as an
 * unprivileged user because Postgres refuses root. Durability is off: the cluster dies with the run.
 */
export interface PostgresServer {
  /** `postgresql://meetbot@localhost/postgres?host=<socket folder>`: the superuser, the `postgres` database. */
  url: string;
  /** Postgres's major version, e.g. "15". */
  version: string;
  stop(): Promise<void>;
}

const USER = 'meetbot';

/** The newest Postgres that Debian installed (/usr/lib/postgresql/<major>/bin). */
function binDir(): { dir: string; version: string } {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error(`no Postgres server under ${root}: install Debian's postgresql package (npm test's scripts/setup.sh does)`);
  return { dir: join(root, version, 'bin'), version };
}

/** Who runs the server: this user, or when root the `postgres` user the Debian package creates (else nobody). */
function serverUser(): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
      return { uid: id('-u'), gid: id('-g'), name };
    } catch {
      /* no such user: the next one */
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run Postgres as');
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const { dir: bin, version } = binDir();
  const user = serverUser();
  const home = mkdtempSync(join(tmpdir(), 'meetbot-pg-'));
  if (user) chownSync(home, user.uid, user.gid);
  const data = join(home, 'data');
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', USER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(user && { uid: user.uid, gid: user.gid }) },
    );
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const postgresArgs = [
    ...['-D', data, '-k', home, '-c', 'listen_addresses='],
    // A test cluster needs no durability; UTC as PGlite has it.
    ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'timezone=UTC'],
    ...['-c', 'max_connections=200'],
  ];
  // As root, setpriv drops to the server's user; --pdeathsig again, because changing user clears the
  // supervisor's, and a killed test run must take its server with it.
  const server = SupervisedProcess.start({
    name: 'postgres',
    command: user ? '/usr/bin/setpriv' : join(bin, 'postgres'),
    args: user
      ? ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups', '--pdeathsig', 'SIGKILL', '--', join(bin, 'postgres'), ...postgresArgs]
      : postgresArgs,
  });
  const stop = async () => {
    // SIGINT is Postgres's fast shutdown: it ends its sessions and waits for every child it started.
    await server.stop('test run over', 'SIGINT', 15_000);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await server.waitForLine(/database system is ready to accept connections/, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `postgresql://${USER}@localhost/postgres?host=${encodeURIComponent(home)}`, version, stop };
}
