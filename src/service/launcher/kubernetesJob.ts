import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadYaml, type V1Container, type V1EnvVar, type V1Job, type V1Secret } from '@kubernetes/client-node';
import type { LaunchRequest } from './launcher.js';

/**
 * The Kubernetes objects of one bot, as pure functions of its launch request and the operator's settings: a Job
 * built from the Job template (deploy/kubernetes-job.yaml unless the operator gives another) and the Secret its
 * pod reads the Create Bot body, the channel token and a signed-in bot's credential from. No secret ever appears
 * in the Job itself.
 */
export interface KubernetesJobSettings {
  namespace: string;
  /** The bots' image (the Dockerfile's). */
  image: string;
  /** The bots' service account (a cloud identity for uploads, say); null keeps the template's or the namespace default. */
  serviceAccountName: string | null;
  /** The Job every bot's Job is built from (loadJobTemplate). */
  template: V1Job;
}

export const NAME_LABEL = 'app.kubernetes.io/name';
export const BOT_ID_LABEL = 'meetbot/bot-id';
/** Selects every bot's Job, Secret and pod, whichever service replica launched it. */
export const MEETBOT_SELECTOR = `${NAME_LABEL}=meetbot`;
/** The template's container that runs `meetbot join`. */
export const BOT_CONTAINER = 'bot';

const CONFIG_KEY = 'BOT_CONFIG';
const TOKEN_KEY = 'MEETBOT_CONTROL_TOKEN';
const CREDENTIAL_KEY = 'MEETBOT_CREDENTIAL';
const CALLBACK_SECRET_KEY = 'MEETBOT_WEBHOOK_SECRET';
/**
 * The environment the launcher owns: the template's entries of these names are replaced or dropped. A bot's
 * credential is its login group's, or none: never one the template would give every bot.
 */
const LAUNCHER_ENV = new Set([CONFIG_KEY, TOKEN_KEY, CREDENTIAL_KEY, CALLBACK_SECRET_KEY, 'MEETBOT_CREDENTIAL_FILE', 'BOT_ID']);
const NAME_PREFIX = 'meetbot-';
/** A Job's name is the value of the `job-name` label on its pods: at most 63 characters. */
const MAX_NAME = 63;

/** The bot-id label: the bot id when it is already DNS-1123 safe (Recall's UUIDs), else a safe form plus a hash of the id, so two ids never share it. */
export function botLabel(botId: string): string {
  const max = MAX_NAME - NAME_PREFIX.length;
  const safe = botId.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (safe === botId && safe.length <= max) return safe;
  const hash = createHash('sha256').update(botId).digest('hex').slice(0, 10);
  const stem = safe.slice(0, max - hash.length - 1).replace(/-+$/, '');
  return stem ? `${stem}-${hash}` : hash;
}

/** The name of a bot's Job and of its Secret: one bot, one of each, so a second launch of it is refused by the cluster. */
export function botResourceName(botId: string): string {
  return NAME_PREFIX + botLabel(botId);
}

function botLabels(botId: string): Record<string, string> {
  return { [NAME_LABEL]: 'meetbot', [BOT_ID_LABEL]: botLabel(botId) };
}

/** Reads and checks the Job template: a batch/v1 Job with a `bot` container that never retries by itself. */
export async function loadJobTemplate(file: string): Promise<V1Job> {
  const job = loadYaml<V1Job>(await readFile(file, 'utf8'));
  const pod = job.spec?.template.spec;
  if (job.apiVersion !== 'batch/v1' || job.kind !== 'Job' || !pod) throw new Error(`${file} is not a batch/v1 Job`);
  if (!pod.containers.some((c) => c.name === BOT_CONTAINER)) throw new Error(`${file} has no container named "${BOT_CONTAINER}"`);
  // A bot must never re-join on its own: a retry is the service's decision, with a new launch.
  if (job.spec?.backoffLimit !== 0 || pod.restartPolicy !== 'Never') throw new Error(`${file} must have backoffLimit 0 and restartPolicy Never`);
  return job;
}

/** The bot's Job: the template with the bot's name, labels, image, service account, arguments and environment. */
export function jobFor(request: LaunchRequest, settings: KubernetesJobSettings): V1Job {
  const { template } = settings;
  const spec = template.spec!;
  const pod = spec.template.spec!;
  const name = botResourceName(request.botId);
  const labels = botLabels(request.botId);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...template.metadata, name, namespace: settings.namespace, labels: { ...template.metadata?.labels, ...labels } },
    spec: {
      ...spec,
      template: {
        metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...labels } },
        spec: {
          ...pod,
          ...(settings.serviceAccountName ? { serviceAccountName: settings.serviceAccountName } : {}),
          containers: pod.containers.map((c) => (c.name === BOT_CONTAINER ? botContainer(c, request, name, settings.image) : c)),
        },
      },
    },
  };
}

/**
 * The template's own per-bot Secret (the one its BOT_CONFIG comes from, with its optional webhook secret: the
 * service sends the webhooks) gives way to the launcher's; any other environment of the template is kept.
 */
function botContainer(container: V1Container, request: LaunchRequest, secretName: string, image: string): V1Container {
  const env = container.env ?? [];
  const templateSecret = env.find((e) => e.name === CONFIG_KEY)?.valueFrom?.secretKeyRef?.name;
  const kept = env.filter((e) => !LAUNCHER_ENV.has(e.name) && (templateSecret === undefined || e.valueFrom?.secretKeyRef?.name !== templateSecret));
  return {
    ...container,
    image,
    args: ['--api', request.api, '--control-url', request.controlUrl, ...(request.signIn ? ['--sign-in', request.signIn] : [])],
    env: [
      ...kept,
      fromSecret(CONFIG_KEY, secretName),
      fromSecret(TOKEN_KEY, secretName),
      ...(request.credential ? [fromSecret(CREDENTIAL_KEY, secretName)] : []),
      ...(request.callbackSecret ? [fromSecret(CALLBACK_SECRET_KEY, secretName)] : []),
      { name: 'BOT_ID', value: request.botId },
    ],
  };
}

function fromSecret(key: string, secretName: string): V1EnvVar {
  return { name: key, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/** The bot's Secret: its Create Bot body, channel token and credential, created before the Job and never changed (immutable). */
export function secretFor(request: LaunchRequest, settings: KubernetesJobSettings): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: botResourceName(request.botId), namespace: settings.namespace, labels: botLabels(request.botId) },
    type: 'Opaque',
    immutable: true,
    stringData: { [CONFIG_KEY]: request.body, [TOKEN_KEY]: request.controlToken, ...(request.credential ? { [CREDENTIAL_KEY]: request.credential } : {}), ...(request.callbackSecret ? { [CALLBACK_SECRET_KEY]: request.callbackSecret } : {}) },
  };
}

/** A JSON patch making the Job own the Secret, so that the garbage collector deletes it with the Job. */
export function ownedByJob(jobName: string, jobUid: string): object[] {
  return [{ op: 'add', path: '/metadata/ownerReferences', value: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: jobUid }] }];
}
