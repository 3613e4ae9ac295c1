import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cliMain.js';
import { FakeKubernetes } from '../helpers/fakeKubernetes.js';

// `meetbot serve --launcher kubernetes`: each missing or bad setting is a usage error naming it, and a cluster
// that refuses the service is an error before anything is opened (no database in the data folder).

const dir = mkdtempSync(join(tmpdir(), 'meetbot-cli-k8s-'));
let fake: FakeKubernetes;
const savedKubeconfig = process.env.KUBECONFIG;

beforeAll(async () => {
  fake = await FakeKubernetes.start();
});
afterEach(() => {
  fake.intercept = null;
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The client library reads KUBECONFIG from the process's own environment. */
function useKubeconfig(namespace?: string): void {
  const file = join(dir, `kubeconfig-${namespace ?? 'none'}.json`);
  writeFileSync(file, fake.kubeConfig(namespace).exportConfig());
  process.env.KUBECONFIG = file;
}

async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, stdin: (async function* () {})() };
  const code = await runCli(['serve', '--data-dir', join(dir, 'data'), ...args], env, io);
  return { code, err: err.join('') };
}

const CHANNEL = ['--channel-url', 'ws://meetbot.bots.svc:8080'];
const IMAGE = ['--kubernetes-image', 'registry.acme.test/meetbot:1.2.3'];
const TEMPLATE = new URL('../../deploy/kubernetes-job.yaml', import.meta.url).pathname;

describe('meetbot serve --launcher kubernetes', () => {
  it('names each missing or bad setting', async () => {
    useKubeconfig('bots');
    expect(await serve(['--launcher', 'kubernetes', ...IMAGE])).toMatchObject({ code: 2, err: expect.stringContaining('--launcher kubernetes needs --channel-url (or MEETBOT_CHANNEL_URL)') });
    expect(await serve(['--launcher', 'kubernetes', ...CHANNEL])).toMatchObject({ code: 2, err: expect.stringContaining('needs --kubernetes-image (or MEETBOT_KUBERNETES_IMAGE)') });
    expect(await serve([...CHANNEL, ...IMAGE], { MEETBOT_LAUNCHER: 'nomad' })).toMatchObject({ code: 2, err: expect.stringContaining('MEETBOT_LAUNCHER must be one of process, kubernetes') });
    expect(await serve(['--launcher', 'nomad'])).toMatchObject({ code: 2 });
    const missing = join(dir, 'no-such-template.yaml');
    expect(await serve(['--launcher', 'kubernetes', ...CHANNEL, ...IMAGE, '--kubernetes-job-template', missing])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--kubernetes-job-template: ENOENT.*no-such-template\.yaml/),
    });
    useKubeconfig();
    expect(await serve(['--launcher', 'kubernetes', ...CHANNEL, ...IMAGE, '--kubernetes-job-template', TEMPLATE])).toMatchObject({ code: 2, err: expect.stringContaining('needs --kubernetes-namespace (or MEETBOT_KUBERNETES_NAMESPACE)') });
    expect(fake.requests).toEqual([]);
  });

  it('asks the cluster first, in the context’s namespace, and stops at its refusal with nothing opened', async () => {
    useKubeconfig('from-context');
    fake.intercept = (_r, res) => {
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 403, message: 'jobs.batch is forbidden' }));
      return true;
    };
    // Under vitest the default template path (beside dist/) is not where the sources are: named here.
    const env = { MEETBOT_KUBERNETES_IMAGE: 'registry.acme.test/meetbot:1.2.3', MEETBOT_KUBERNETES_JOB_TEMPLATE: TEMPLATE };
    const { code, err } = await serve(['--launcher', 'kubernetes', ...CHANNEL], env);
    expect(code).toBe(1);
    expect(err).toContain('meetbot: Kubernetes: could not list the Jobs of namespace from-context: jobs.batch is forbidden (HTTP 403)');
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /apis/batch/v1/namespaces/from-context/jobs']);
    expect(existsSync(join(dir, 'data')) ? readdirSync(join(dir, 'data')) : []).toEqual([]);
  });
});
