import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const CLI = new URL('../../dist/src/cli.js', import.meta.url).pathname;

/** `meetbot keys create`: a project's API key, in a data folder no service holds yet. */
export async function createKey(dataDir: string, project: string, extra: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'keys', 'create', '--project', project, '--data-dir', dataDir, ...extra]);
  return (JSON.parse(stdout) as { api_key: string }).api_key;
}

/** A real `meetbot serve` (the compiled CLI) in its own process; its URL read from its first words on stderr. */
export class ServeProcess {
  readonly proc: ChildProcess;
  readonly url: Promise<string>;
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(dataDir: string, args: string[], port = 0) {
    this.proc = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', String(port), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
    this.url = new Promise((resolve, reject) => {
      this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        this.stderr += chunk;
        const m = /serving on (http:\/\/\S+)/.exec(this.stderr);
        if (m) resolve(m[1]!);
      });
      void this.exited.then((code) => reject(new Error(`meetbot serve exited (${code}): ${this.stderr.slice(-500)}`)));
    });
  }

  async api(key: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${await this.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Token ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Waits until GET of `path` satisfies `ok`. */
  async until(key: string, path: string, ok: (body: any) => boolean, what: string, timeoutMs = 60_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.api(key, 'GET', path);
      if (res.status === 200 && ok(res.body)) return res.body;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(res.body).slice(0, 800)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.proc.kill(signal);
    await this.exited;
  }
}
