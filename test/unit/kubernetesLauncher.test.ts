import { loadAllYaml } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadJobTemplate, type KubernetesJobSettings } from '../../src/service/launcher/kubernetesJob.js';
import { KubernetesLauncher, type KubernetesLauncherOptions } from '../../src/service/launcher/kubernetesLauncher.js';
import type { BotExit, LaunchRequest } from '../../src/service/launcher/launcher.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { silentLogger } from '../../src/util/log.js';
import { FakeKubernetes } from '../helpers/fakeKubernetes.js';

// The Kubernetes launcher against a fake API server that speaks the real paths and JSON of the few calls it
// makes (test/helpers/fakeKubernetes.ts): what it creates, field by field; how it reads a bot's end from the Job
// and its pod; finding a bot again after a restart; stopping one. The test plays the Job controller and kubelet.

const root = new URL('../../', import.meta.url);
const NS = 'bots';
const POLL_MS = 40;
let fake: FakeKubernetes;
let job: KubernetesJobSettings;
const launchers: KubernetesLauncher[] = [];

beforeAll(async () => {
  fake = await FakeKubernetes.start();
  job = { namespace: NS, image: 'registry.acme.test/meetbot:1.2.3', serviceAccountName: null, template: await loadJobTemplate(new URL('deploy/kubernetes-job.yaml', root).pathname) };
});
afterEach(async () => {
  await Promise.all(launchers.splice(0).map((l) => l.close()));
  fake.intercept = null;
  fake.foregroundMs = 0;
});
afterAll(() => fake.close());

function launcher(opts: Partial<KubernetesLauncherOptions> = {}): KubernetesLauncher {
  const l = new KubernetesLauncher({ kubeConfig: fake.kubeConfig(), job, log: silentLogger, pollMs: POLL_MS, requestTimeoutMs: 2000, ...opts });
  launchers.push(l);
  return l;
}

let serial = 0;
function request(): LaunchRequest {
  const botId = `0b0a0000-0000-4000-8000-${(serial++).toString().padStart(12, '0')}`;
  return { botId, body: `{"meeting_url":"https://meet.google.com/abc-defg-hij","bot_name":"B${serial}"}`, api: 'attendee', controlUrl: `ws://meetbot.bots.svc:8080/internal/bots/${botId}/channel`, controlToken: `token-${serial}-SECRET`, credential: null, callbackSecret: null, signIn: null, run: 1 };
}

const jobName = (req: LaunchRequest) => `meetbot-${req.botId}`;
const running = { phase: 'Running', containerStatuses: [{ name: 'bot', state: { running: {} } }] };
const terminated = (phase: string, t: object) => ({ phase, containerStatuses: [{ name: 'bot', state: { terminated: t } }] });
const within = (exited: Promise<BotExit>, ms = 3000) => withTimeout(exited, ms, 'the bot’s exit');

/** Settled or not, after a few polls. */
async function stillRunning(exited: Promise<BotExit>): Promise<boolean> {
  return Promise.race([exited.then(() => false), sleep(POLL_MS * 6).then(() => true)]);
}

describe('KubernetesLauncher', () => {
  it('creates the Secret, then the Job, then makes the Job own the Secret; the body and token only in the Secret', async () => {
    const req = request();
    const before = fake.requests.length;
    const bot = await launcher().launch(req);
    const made = fake.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(made.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /api/v1/namespaces/${NS}/secrets`,
      `POST /apis/batch/v1/namespaces/${NS}/jobs`,
      `PATCH /api/v1/namespaces/${NS}/secrets/${jobName(req)}`,
    ]);
    const [secret, created, patch] = made;
    expect(secret!.authorization).toBe('Bearer fake-token');
    expect(secret!.body.stringData).toEqual({ BOT_CONFIG: req.body, MEETBOT_CONTROL_TOKEN: req.controlToken });
    expect(secret!.body.metadata).toMatchObject({ name: jobName(req), labels: { 'app.kubernetes.io/name': 'meetbot', 'meetbot/bot-id': req.botId } });

    const spec = created!.body.spec;
    expect(created!.body.metadata).toMatchObject({ name: jobName(req), namespace: NS, labels: { 'app.kubernetes.io/name': 'meetbot', 'meetbot/bot-id': req.botId } });
    expect(spec.backoffLimit).toBe(0);
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    expect(spec.template.metadata.labels).toMatchObject({ 'meetbot/bot-id': req.botId });
    const container = spec.template.spec.containers[0];
    expect(container.image).toBe('registry.acme.test/meetbot:1.2.3');
    expect(container.args).toEqual(['--api', 'attendee', '--control-url', req.controlUrl]);
    expect(container.resources).toEqual({ requests: { cpu: '850m', memory: '512Mi', 'ephemeral-storage': '2Gi' }, limits: { memory: '1Gi', 'ephemeral-storage': '12Gi' } });
    const wire = JSON.stringify(created!.body);
    expect(wire).not.toContain(req.controlToken);
    expect(wire).not.toContain('abc-defg-hij');
    expect(container.env.find((e: any) => e.name === 'MEETBOT_CONTROL_TOKEN')).toEqual({ name: 'MEETBOT_CONTROL_TOKEN', valueFrom: { secretKeyRef: { name: jobName(req), key: 'MEETBOT_CONTROL_TOKEN' } } });

    expect(patch!.contentType).toBe('application/json-patch+json');
    const uid = fake.jobs.get(`${NS}/${jobName(req)}`)!.metadata.uid;
    expect(patch!.body).toEqual([{ op: 'add', path: '/metadata/ownerReferences', value: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName(req), uid }] }]);
    expect(fake.secrets.get(`${NS}/${jobName(req)}`)!.metadata.ownerReferences[0].uid).toBe(uid);
    expect(bot.ref).toBe(`${NS}/${jobName(req)}`);
    expect(bot.outDir).toBe(`kubernetes://${NS}/${jobName(req)}`);
  });

  it('a pod that succeeds is exit 0; while the Job reports its pod ready, only the Jobs are listed', async () => {
    const req = request();
    const bot = await launcher().launch(req);
    fake.addPod(NS, jobName(req), running);
    fake.setJobStatus(NS, jobName(req), { active: 1, ready: 1 });
    await sleep(POLL_MS * 3);
    const podLists = () => fake.seen('GET', /\/pods$/).length;
    const listed = podLists();
    expect(await stillRunning(bot.exited)).toBe(true);
    expect(podLists()).toBe(listed);
    for (const p of fake.pods.values()) if (p.metadata.labels['meetbot/bot-id'] === req.botId) p.status = terminated('Succeeded', { exitCode: 0, reason: 'Completed' });
    fake.setJobStatus(NS, jobName(req), { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
    expect(await within(bot.exited)).toEqual({ code: 0, signal: null, message: null });
  });

  it('a failed pod gives its exit code and reason, with the last line the bot printed', async () => {
    const l = launcher();
    const [crashed, oom] = [request(), request()];
    const a = await l.launch(crashed);
    const b = await l.launch(oom);
    const logTail = 'Xvfb: display :99 ready\n{"event":"bot.joining_call"}\nmeetbot: could not start Chromium: No usable sandbox\n{"event":"bot.fatal"}\n';
    fake.addPod(NS, jobName(crashed), terminated('Failed', { exitCode: 1, reason: 'Error', message: logTail }));
    fake.addPod(NS, jobName(oom), terminated('Failed', { exitCode: 137, reason: 'OOMKilled' }));
    expect(await within(a.exited)).toEqual({ code: 1, signal: null, message: 'Error (exit 1): meetbot: could not start Chromium: No usable sandbox' });
    expect(await within(b.exited)).toEqual({ code: 137, signal: null, message: 'OOMKilled (exit 137)' });
  });

  it('a Job that vanishes, or fails without its pod, ends the bot with the reason', async () => {
    const l = launcher();
    const [deleted, deadline] = [request(), request()];
    const a = await l.launch(deleted);
    const b = await l.launch(deadline);
    fake.setJobStatus(NS, jobName(deleted), { active: 1, ready: 1 });
    expect(await stillRunning(a.exited)).toBe(true);
    fake.jobs.delete(`${NS}/${jobName(deleted)}`);
    fake.setJobStatus(NS, jobName(deadline), { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }] });
    expect(await within(a.exited)).toEqual({ code: null, signal: null, message: expect.stringContaining('its Kubernetes Job is gone') });
    expect(await within(b.exited)).toEqual({ code: null, signal: null, message: 'the Job failed: DeadlineExceeded: Job was active longer than specified deadline' });
  });

  it('a pod that cannot start within the bound is deleted first, then ends its bot with what it waited on', async () => {
    const req = request();
    const bot = await launcher({ startTimeoutMs: 300 }).launch(req);
    fake.addPod(NS, jobName(req), { phase: 'Pending', containerStatuses: [{ name: 'bot', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.acme.test/meetbot:1.2.3"' } } }] });
    const exit = await within(bot.exited);
    expect(exit.code).toBeNull();
    expect(exit.neverStarted).toBe(true);
    expect(exit.message).toMatch(/^the bot's pod did not start within 0.3 s \(ImagePullBackOff: Back-off pulling image .*\); its Job was deleted$/);
    const deletion = fake.seen('DELETE', new RegExp(`/jobs/${jobName(req)}$`));
    expect(deletion.map((r) => r.query.get('propagationPolicy'))).toEqual(['Background']);
    expect(fake.jobs.has(`${NS}/${jobName(req)}`)).toBe(false);
    expect(fake.secrets.has(`${NS}/${jobName(req)}`)).toBe(false);
  });

  it('finds an active Job again after a restart, and nothing for a finished, foreign or unknown one', async () => {
    const [live, done] = [request(), request()];
    const first = launcher();
    const a = await first.launch(live);
    const b = await first.launch(done);
    fake.setJobStatus(NS, jobName(live), { active: 1, ready: 1 });
    fake.setJobStatus(NS, jobName(done), { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
    await first.close();

    const again = launcher();
    const found = await again.find(live.botId, a.ref, a.outDir);
    expect(found).toMatchObject({ ref: a.ref, outDir: a.outDir });
    expect(await again.find(done.botId, b.ref, b.outDir)).toBeNull();
    expect(await again.find(done.botId, a.ref, a.outDir)).toBeNull();
    expect(await again.find(live.botId, `${NS}/meetbot-elsewhere`, a.outDir)).toBeNull();
    expect(await again.find(live.botId, 'not a ref', a.outDir)).toBeNull();
    expect(await stillRunning(found!.exited)).toBe(true);
    fake.jobs.delete(`${NS}/${jobName(live)}`);
    expect((await within(found!.exited)).message).toContain('gone');
  });

  it('an API server that cannot be asked is an error for find, never a bot gone', async () => {
    const req = request();
    const bot = await launcher().launch(req);
    fake.intercept = (r, res) => {
      if (r.method !== 'GET') return false;
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 503, message: 'etcdserver: leader changed' }));
      return true;
    };
    await expect(launcher().find(req.botId, bot.ref, bot.outDir)).rejects.toThrow(`could not list the Jobs of namespace ${NS}: etcdserver: leader changed (HTTP 503)`);
    expect(await stillRunning(bot.exited)).toBe(true);
  });

  it('stop deletes the Job in the foreground and returns once it is gone; the pod’s SIGTERM end is the bot’s exit', async () => {
    const req = request();
    const l = launcher();
    const bot = await l.launch(req);
    fake.addPod(NS, jobName(req), running);
    fake.setJobStatus(NS, jobName(req), { active: 1, ready: 1 });
    fake.foregroundMs = 300;
    const started = Date.now();
    const stopping = l.stop(bot.ref, 15_000);
    await sleep(100);
    // The kubelet's SIGTERM: the bot leaves and exits 0 while the Job waits for its pod.
    for (const p of fake.pods.values()) if (p.metadata.labels['meetbot/bot-id'] === req.botId) p.status = terminated('Succeeded', { exitCode: 0 });
    fake.setJobStatus(NS, jobName(req), { succeeded: 1 });
    await stopping;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const deletion = fake.seen('DELETE', new RegExp(`/jobs/${jobName(req)}$`));
    expect(deletion.map((r) => r.query.get('propagationPolicy'))).toEqual(['Foreground']);
    expect(fake.jobs.has(`${NS}/${jobName(req)}`)).toBe(false);
    expect(fake.secrets.has(`${NS}/${jobName(req)}`)).toBe(false);
    expect(await within(bot.exited)).toEqual({ code: 0, signal: null, message: null });
    await l.stop(bot.ref, 15_000); // gone already: nothing to wait for
  });

  it('a second run (the signed-in retry) takes the names again once remove() took the first run’s Job, pod and Secret', async () => {
    const first = request();
    const l = launcher();
    const bot = await l.launch(first);
    fake.addPod(NS, jobName(first), terminated('Failed', { exitCode: 1, reason: 'Error' }));
    fake.setJobStatus(NS, jobName(first), { failed: 1 });
    await within(bot.exited);
    // The finished Job keeps the bot's names (until its TTL): a launch under them is refused.
    await expect(l.launch({ ...first, run: 2 })).rejects.toThrow(/already exists/);
    await l.remove(bot.ref);
    expect([...fake.pods.values()].some((p) => p.metadata.labels['meetbot/bot-id'] === first.botId)).toBe(false);
    expect(fake.secrets.has(`${NS}/${jobName(first)}`)).toBe(false);
    const credential = '{"platform":"microsoft_teams","email":"bot@acme.example","password":"PASSWORD-SECRET"}';
    const again = await l.launch({ ...first, run: 2, controlToken: 'token-second-run', credential });
    expect(again.ref).toBe(bot.ref);
    expect(fake.secrets.get(`${NS}/${jobName(first)}`)!.stringData).toEqual({ BOT_CONFIG: first.body, MEETBOT_CONTROL_TOKEN: 'token-second-run', MEETBOT_CREDENTIAL: credential });
    fake.addPod(NS, jobName(first), running);
    expect(await stillRunning(again.exited)).toBe(true);
  });

  it('a launch the cluster refuses leaves nothing behind and says why in one line', async () => {
    const req = request();
    fake.intercept = (r, res) => {
      if (!(r.method === 'POST' && r.path.endsWith('/jobs'))) return false;
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 403, message: 'jobs.batch is forbidden: User "system:serviceaccount:bots:meetbot" cannot create resource "jobs"' }));
      return true;
    };
    await expect(launcher().launch(req)).rejects.toThrow(`could not create the Job ${NS}/${jobName(req)}: jobs.batch is forbidden: User "system:serviceaccount:bots:meetbot" cannot create resource "jobs" (HTTP 403)`);
    expect(fake.seen('DELETE', new RegExp(`/secrets/${jobName(req)}$`))).toHaveLength(1);
    expect(fake.secrets.has(`${NS}/${jobName(req)}`)).toBe(false);

    fake.intercept = null;
    const twice = request();
    await launcher().launch(twice);
    await expect(launcher().launch(twice)).rejects.toThrow(`could not create the Secret ${NS}/${jobName(twice)}: Secret "${jobName(twice)}" already exists (HTTP 409)`);
    expect(fake.jobs.has(`${NS}/${jobName(twice)}`)).toBe(true);
  });

  it('every request is bounded: an API server that never answers fails the launch in time', async () => {
    fake.intercept = () => true;
    const started = Date.now();
    await expect(launcher({ requestTimeoutMs: 300 }).launch(request())).rejects.toThrow(/could not create the Secret .*: no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('asks nothing until it watches a bot, and nothing more once closed', async () => {
    const before = fake.requests.length;
    const l = launcher();
    await sleep(POLL_MS * 3);
    expect(fake.requests.length).toBe(before);
    await l.launch(request());
    await sleep(POLL_MS * 3);
    await l.close();
    const closed = fake.requests.length;
    await sleep(POLL_MS * 4);
    expect(fake.requests.length).toBe(closed);
  });

  it('check() proves the cluster answers and lets it list Jobs', async () => {
    await expect(launcher().check()).resolves.toBeUndefined();
    fake.intercept = (r, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 401, message: 'Unauthorized' }));
      return true;
    };
    await expect(launcher().check()).rejects.toThrow(`could not list the Jobs of namespace ${NS}`);
  });

  it('needs no more than the Role in docs/api.md grants (every request this file made)', () => {
    const role = roleInDocs();
    const verb = (method: string, named: boolean) => ({ POST: 'create', PATCH: 'patch', DELETE: 'delete', GET: named ? 'get' : 'list' })[method]!;
    const used = new Set(
      fake.requests.map((r) => {
        const [, group, rest] = /^\/(?:api\/v1|apis\/(batch)\/v1)\/namespaces\/[^/]+\/(.*)$/.exec(r.path)!;
        const [resource, name] = rest!.split('/');
        return `${group ?? ''}/${resource}/${verb(r.method, name !== undefined)}`;
      }),
    );
    const granted = new Set(role.rules.flatMap((rule: any) => rule.apiGroups.flatMap((g: string) => rule.resources.flatMap((res: string) => rule.verbs.map((v: string) => `${g}/${res}/${v}`)))));
    expect([...used].filter((u) => !granted.has(u))).toEqual([]);
    expect([...granted].filter((g) => !used.has(g as string))).toEqual([]);
  });
});

/** The Role of the "Running bots on Kubernetes" section: the YAML block that holds `kind: Role`. */
function roleInDocs(): any {
  const doc = readFileSync(new URL('docs/api.md', root), 'utf8');
  const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => /^kind: Role$/m.test(b));
  return loadAllYaml(block!).find((o) => o.kind === 'Role');
}
