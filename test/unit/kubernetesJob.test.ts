import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobState } from '../../src/service/launcher/jobState.js';
import { botLabel, botResourceName, jobFor, loadJobTemplate, secretFor, type KubernetesJobSettings } from '../../src/service/launcher/kubernetesJob.js';
import type { LaunchRequest } from '../../src/service/launcher/launcher.js';

// The bot's Job and Secret as pure functions, checked field by field against deploy/kubernetes-job.yaml: the
// launcher builds every Job from that file, so what it promises (no retries, grace period, shared memory,
// resources from the bench, unprivileged) is what each bot gets, and the secrets stay in the Secret.

const root = new URL('../../', import.meta.url);
const TEMPLATE_FILE = new URL('deploy/kubernetes-job.yaml', root).pathname;
const dir = mkdtempSync(join(tmpdir(), 'meetbot-job-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BOT_ID = '3f0c2a9e-8d1b-4c57-9a0e-5b7d6c4e2f10';
const request: LaunchRequest = {
  botId: BOT_ID,
  body: '{"meeting_url":"https://zoom.us/j/85551234567?pwd=PASSCODE-IN-BODY"}',
  api: 'recall',
  controlUrl: `ws://meetbot.bots.svc:8080/internal/bots/${BOT_ID}/channel`,
  controlToken: 'TOKEN-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL',
  credential: null,
  callbackSecret: null,
  signIn: null,
  run: 1,
};

async function settings(serviceAccountName: string | null = null): Promise<KubernetesJobSettings> {
  return { namespace: 'bots', image: 'registry.acme.test/meetbot:1.2.3', serviceAccountName, template: await loadJobTemplate(TEMPLATE_FILE) };
}

describe('jobFor: a bot’s Job from deploy/kubernetes-job.yaml', () => {
  it('keeps the template’s promises: no retries, deadline, grace period, one reaper, unprivileged, memory-backed /dev/shm', async () => {
    const job = jobFor(request, await settings());
    const pod = job.spec!.template.spec!;
    const bot = pod.containers.find((c) => c.name === 'bot')!;
    expect(job.spec!.backoffLimit).toBe(0);
    expect(pod.restartPolicy).toBe('Never');
    expect(job.spec!.activeDeadlineSeconds).toBeGreaterThan(6 * 3600);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
    expect(pod.shareProcessNamespace).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(bot.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const shm = bot.volumeMounts!.find((m) => m.mountPath === '/dev/shm')!;
    expect(pod.volumes!.find((v) => v.name === shm.name)!.emptyDir).toMatchObject({ medium: 'Memory' });
    expect(bot.terminationMessagePolicy).toBe('FallbackToLogsOnError');
  });

  it('requests at least what the latest benchmark measured for a 720p30 bot, with a memory limit and no CPU limit', async () => {
    const { requests, limits } = jobFor(request, await settings()).spec!.template.spec!.containers[0]!.resources!;
    const measured = JSON.parse(readFileSync(new URL('bench/results/latest.json', root), 'utf8')) as { cpu_cores_per_bot_720p30: number; pss_mb_per_bot_720p30: number };
    const cores = (v: string) => (v.endsWith('m') ? Number(v.slice(0, -1)) / 1000 : Number(v));
    const bytes = (v: string) => Number(v.slice(0, -2)) * (v.endsWith('Gi') ? 2 ** 30 : 2 ** 20);
    expect(cores(requests!.cpu!)).toBeGreaterThanOrEqual(measured.cpu_cores_per_bot_720p30);
    expect(bytes(requests!.memory!) / 1e6).toBeGreaterThanOrEqual(measured.pss_mb_per_bot_720p30);
    expect(bytes(limits!.memory!)).toBeGreaterThan(bytes(requests!.memory!));
    expect(limits!.cpu).toBeUndefined();
  });

  it('sets only the per-bot fields; the rest is the template as written', async () => {
    const s = await settings();
    const job = jobFor(request, s);
    const name = `meetbot-${BOT_ID}`;
    const labels = { 'app.kubernetes.io/name': 'meetbot', 'meetbot/bot-id': BOT_ID };
    expect(job.metadata).toEqual({ name, namespace: 'bots', labels });
    expect(job.spec!.template.metadata).toEqual({ labels });
    const bot = job.spec!.template.spec!.containers[0]!;
    expect(bot.image).toBe('registry.acme.test/meetbot:1.2.3');
    expect(bot.args).toEqual(['--api', 'recall', '--control-url', request.controlUrl]);
    // Everything else, of the Job, the pod and the container, is the file's.
    const templateSpec = s.template.spec!;
    const { template: _t, ...jobRest } = job.spec!;
    const { template: _tt, ...templateRest } = templateSpec;
    expect(jobRest).toEqual(templateRest);
    const { containers, ...podRest } = job.spec!.template.spec!;
    const { containers: templateContainers, ...templatePodRest } = templateSpec.template.spec!;
    expect(podRest).toEqual(templatePodRest);
    const { image: _i, args: _a, env: _e, ...botRest } = containers[0]!;
    const { image: _ti, args: _ta, env: _te, ...templateBotRest } = templateContainers[0]!;
    expect(botRest).toEqual(templateBotRest);
  });

  it('gives the body and the token only through the Secret, and the bot no other secret', async () => {
    const job = jobFor(request, await settings());
    const text = JSON.stringify(job);
    expect(text).not.toContain('PASSCODE-IN-BODY');
    expect(text).not.toContain(request.controlToken);
    const env = job.spec!.template.spec!.containers[0]!.env!;
    // The template's own example Secret (with its webhook secret: the service sends webhooks) is replaced.
    expect(env.map((e) => e.name).sort()).toEqual(['BOT_CONFIG', 'BOT_ID', 'MEETBOT_CONTROL_TOKEN', 'MEETBOT_OUT_DIR']);
    const secretRef = (name: string) => env.find((e) => e.name === name)!.valueFrom!.secretKeyRef;
    expect(secretRef('BOT_CONFIG')).toEqual({ name: `meetbot-${BOT_ID}`, key: 'BOT_CONFIG' });
    expect(secretRef('MEETBOT_CONTROL_TOKEN')).toEqual({ name: `meetbot-${BOT_ID}`, key: 'MEETBOT_CONTROL_TOKEN' });
    expect(env.find((e) => e.name === 'BOT_ID')!.value).toBe(BOT_ID);
    for (const e of env) if (e.value !== undefined) expect(e.value).not.toMatch(/PASSCODE|TOKEN-/);

    const secret = secretFor(request, await settings());
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `meetbot-${BOT_ID}`, namespace: 'bots', labels: { 'app.kubernetes.io/name': 'meetbot', 'meetbot/bot-id': BOT_ID } },
      type: 'Opaque',
      immutable: true,
      stringData: { BOT_CONFIG: request.body, MEETBOT_CONTROL_TOKEN: request.controlToken },
    });
  });

  it('gives a signed-in bot its credential only through its Secret; a template’s credential never reaches a bot', async () => {
    const credential = '{"platform":"google_meet","email":"bot@acme.example","password":"PASSWORD-of-the-group"}';
    const base = await settings();
    const container = base.template.spec!.template.spec!.containers[0]!;
    // An operator's template that would give every bot one account: the login groups' credential replaces it.
    container.env = [...(container.env ?? []), { name: 'MEETBOT_CREDENTIAL_FILE', value: '/secrets/account.json' }, { name: 'MEETBOT_CREDENTIAL', value: 'x' }];
    const job = jobFor({ ...request, credential }, base);
    expect(JSON.stringify(job)).not.toContain('PASSWORD-of-the-group');
    const env = job.spec!.template.spec!.containers[0]!.env!;
    expect(env.filter((e) => e.name.startsWith('MEETBOT_CREDENTIAL'))).toEqual([
      { name: 'MEETBOT_CREDENTIAL', valueFrom: { secretKeyRef: { name: `meetbot-${BOT_ID}`, key: 'MEETBOT_CREDENTIAL' } } },
    ]);
    expect(secretFor({ ...request, credential }, base).stringData).toEqual({ BOT_CONFIG: request.body, MEETBOT_CONTROL_TOKEN: request.controlToken, MEETBOT_CREDENTIAL: credential });
    // The project's webhook secret signs an Attendee callback: in the Secret too, only for such a bot.
    const signing = jobFor({ ...request, callbackSecret: 'whsec_cHJvamVjdA==' }, base);
    expect(JSON.stringify(signing)).not.toContain('whsec_');
    expect(signing.spec!.template.spec!.containers[0]!.env!.filter((e) => e.name === 'MEETBOT_WEBHOOK_SECRET')).toHaveLength(1);
    expect(secretFor({ ...request, callbackSecret: 'whsec_cHJvamVjdA==' }, base).stringData).toMatchObject({ MEETBOT_WEBHOOK_SECRET: 'whsec_cHJvamVjdA==' });
    expect(jobFor(request, base).spec!.template.spec!.containers[0]!.env!.some((e) => e.name === 'MEETBOT_WEBHOOK_SECRET')).toBe(false);
    // The signed-in retry is an argument, like the API: no secret in it.
    expect(jobFor({ ...request, signIn: 'always' }, base).spec!.template.spec!.containers[0]!.args).toEqual(['--api', 'recall', '--control-url', request.controlUrl, '--sign-in', 'always']);
    // A bot that signs in with nothing gets neither the variable nor the template's.
    expect(jobFor(request, base).spec!.template.spec!.containers[0]!.env!.some((e) => e.name.startsWith('MEETBOT_CREDENTIAL'))).toBe(false);
  });

  it('runs the bots under the service account the operator names, else the template’s', async () => {
    expect(jobFor(request, await settings('meetbot-bots')).spec!.template.spec!.serviceAccountName).toBe('meetbot-bots');
    expect(jobFor(request, await settings()).spec!.template.spec!.serviceAccountName).toBeUndefined();
  });
});

describe('names and the template', () => {
  it('names a bot’s Job DNS-1123 safe, within 63 characters, one name per bot id', () => {
    expect(botResourceName(BOT_ID)).toBe(`meetbot-${BOT_ID}`);
    const ids = ['bot_AbCdEfGh12345678', 'bot_abcdefgh12345678', 'bot-abcdefgh12345678', '___', 'x'.repeat(200), 'X'.repeat(200)];
    const names = ids.map(botResourceName);
    for (const name of names) {
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    expect(new Set(names).size).toBe(ids.length);
    expect(botLabel('bot_AbCdEfGh12345678')).toMatch(/^bot-abcdefgh12345678-[0-9a-f]{10}$/);
  });

  it('refuses a template that would retry a bot, or has no bot container, naming the file', async () => {
    const text = readFileSync(TEMPLATE_FILE, 'utf8');
    const write = (name: string, content: string) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    };
    const retrying = write('retrying.yaml', text.replace('backoffLimit: 0', 'backoffLimit: 2'));
    await expect(loadJobTemplate(retrying)).rejects.toThrow(`${retrying} must have backoffLimit 0 and restartPolicy Never`);
    const restarting = write('restarting.yaml', text.replace('restartPolicy: Never', 'restartPolicy: OnFailure'));
    await expect(loadJobTemplate(restarting)).rejects.toThrow('must have backoffLimit 0 and restartPolicy Never');
    const renamed = write('renamed.yaml', text.replace('- name: bot', '- name: meetbot'));
    await expect(loadJobTemplate(renamed)).rejects.toThrow('has no container named "bot"');
    const deployment = write('deployment.yaml', text.replace('kind: Job', 'kind: Deployment'));
    await expect(loadJobTemplate(deployment)).rejects.toThrow('is not a batch/v1 Job');
  });
});

describe('jobState: a bot’s end read from its Job and pod', () => {
  const active = { status: { active: 1 } };
  it('says what a pod that never ran its container, or has not started, was stopped by', () => {
    const evicted = { status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } };
    expect(jobState(active, evicted)).toEqual({ kind: 'ended', exit: { code: null, signal: null, message: 'the pod failed: Evicted: The node was low on resource: memory.' } });
    const unschedulable = { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] } };
    expect(jobState(active, unschedulable)).toEqual({ kind: 'starting', waitingOn: 'Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.' });
    expect(jobState(active, undefined)).toEqual({ kind: 'starting', waitingOn: 'no pod yet' });
    expect(jobState({ status: { active: 1, ready: 1 } }, undefined)).toEqual({ kind: 'running' });
  });
});
