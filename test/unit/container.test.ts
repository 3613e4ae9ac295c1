import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromiumFlags } from '../../src/browser/chromiumFlags.js';
import { BOT_NODE_FLAGS } from '../../src/session/nodeFlags.js';
import { parseYaml } from '../helpers/miniYaml.js';

// The container and its Kubernetes example: the same install step as a developer machine, nothing copied
// that the repository may lack, an unprivileged user with Chromium's sandbox on, and a Job that gives the
// bot its grace period, memory-backed /dev/shm and its config from a Secret.

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  const steps = instructions(read('Dockerfile'));
  const copies = steps.filter((s) => s.op === 'COPY').map((s) => s.args.split(/\s+/));
  const runs = steps.filter((s) => s.op === 'RUN').map((s) => s.args);

  it('installs exactly as a developer machine does: scripts/setup.sh reading scripts/debian-packages.txt', () => {
    const setupCopy = copies.find((c) => c.includes('scripts/setup.sh'));
    expect(setupCopy).toContain('scripts/debian-packages.txt');
    const install = runs.findIndex((r) => /\bbash scripts\/setup\.sh\b/.test(r));
    expect(install).toBeGreaterThanOrEqual(0);
    // setup.sh is the only installer: no apt-get or npm install of its own beside it.
    expect(runs.filter((r) => /apt-get install|npm (ci|install)\b/.test(r))).toEqual([]);
    // And the script really reads that list.
    expect(read('scripts/setup.sh')).toContain('scripts/debian-packages.txt');
  });

  it('leaves the test-only packages (Postgres for the service tests) out of the image; npm test installs them', () => {
    expect(copies.flat()).not.toContain('scripts/debian-packages-test.txt');
    expect(runs.filter((r) => r.includes('setup.sh')).join(' ')).not.toContain('--tests');
    expect(read('scripts/debian-packages-test.txt')).toMatch(/^postgresql\s/m);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.pretest).toMatch(/^bash scripts\/setup\.sh --tests && /);
  });

  it('copies only paths the repository has (an optional folder such as bench/ would break the build)', () => {
    const sources = copies.flatMap((c) => c.slice(0, -1)).filter((s) => !s.startsWith('--'));
    for (const source of sources) expect(existsSync(new URL(source, root)), source).toBe(true);
    expect(sources).not.toContain('bench');
    // Production code never imports the mock meetings or the tests, so the image has neither.
    expect(sources).not.toContain('fixtures');
    expect(sources).not.toContain('test');
  });

  it('builds on the Node the project runs on (package.json engines)', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const major = /^>=(\d+)/.exec(engines)?.[1];
    expect(steps.find((s) => s.op === 'FROM')?.args).toMatch(new RegExp(`^node:${major}-bookworm-slim$`));
  });

  it('runs one bot as an unprivileged user, with the sandbox-preserving flags and documented exit codes', () => {
    const users = steps.filter((s) => s.op === 'USER').map((s) => s.args);
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    expect(steps.find((s) => s.op === 'ENTRYPOINT')?.args).toBe('["node", "/app/bin/meetbot.js", "join"]');
    expect(steps.find((s) => s.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    const text = read('Dockerfile');
    expect(text).toMatch(/Exit codes: 0 done, 1 fatal .*2 invalid config/s);
    expect(text).toContain('BOT_CONFIG');
    // As that user Chromium gets no --no-sandbox; only root does.
    const flags = (runningAsRoot: boolean) =>
      chromiumFlags({ width: 1280, height: 720, userDataDir: '/tmp/p', runningAsRoot, allowLoopback: false });
    expect(flags(false)).not.toContain('--no-sandbox');
    expect(flags(true)).toContain('--no-sandbox');
  });

  it("gives the bot's Node the same V8 flags as the demo, the benchmark and the tests", () => {
    const env = steps.filter((s) => s.op === 'ENV').map((s) => s.args).join(' ');
    expect(env).toContain(`NODE_OPTIONS=${BOT_NODE_FLAGS.join(' ')}`);
    expect(BOT_NODE_FLAGS.length).toBeGreaterThan(0);
  });
});

describe('deploy/kubernetes-job.yaml', () => {
  const job = parseYaml(read('deploy/kubernetes-job.yaml')) as any;
  const pod = job.spec.template.spec;
  const bot = pod.containers[0];

  it('is one Job for one bot that never retries by itself', () => {
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { backoffLimit: 0 } });
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
  });

  it('gives SIGTERM at least 15 s (the bot needs 10) and outlives MEETBOT_MAX_RUNTIME_SEC', () => {
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(6 * 3600);
  });

  it('mounts a memory-backed emptyDir at /dev/shm', () => {
    const mount = bot.volumeMounts.find((m: any) => m.mountPath === '/dev/shm');
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    expect(volume.emptyDir.medium).toBe('Memory');
  });

  it('reads BOT_CONFIG from a Secret and runs unprivileged with Chromium’s sandbox possible', () => {
    const config = bot.env.find((e: any) => e.name === 'BOT_CONFIG');
    expect(config.valueFrom.secretKeyRef.key).toBe('BOT_CONFIG');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect(bot.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // RuntimeDefault seccomp refuses the user namespaces Chromium's sandbox needs.
    expect(bot.securityContext.seccompProfile.type).not.toBe('RuntimeDefault');
  });

  it('requests at least what the latest benchmark measured for a 720p30 bot, and limits memory', () => {
    const { requests, limits } = bot.resources;
    const measured = JSON.parse(read('bench/results/latest.json')) as { cpu_cores_per_bot_720p30: number; pss_mb_per_bot_720p30: number };
    const cores = (v: string) => (v.endsWith('m') ? Number(v.slice(0, -1)) / 1000 : Number(v));
    const mib = (v: string) => Number(v.slice(0, -2)) * (v.endsWith('Gi') ? 1024 : 1);
    expect(cores(requests.cpu)).toBeGreaterThanOrEqual(measured.cpu_cores_per_bot_720p30);
    expect(mib(requests.memory) * 1.048576).toBeGreaterThanOrEqual(measured.pss_mb_per_bot_720p30);
    expect(mib(limits.memory)).toBeGreaterThan(mib(requests.memory));
    expect(limits.cpu).toBeUndefined();
  });
});
