import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  Observable,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import { sleep } from '../../util/async.js';
import type { Logger } from '../../util/log.js';
import { PollingPass } from '../../util/pollingPass.js';
import { jobState, type JobState } from './jobState.js';
import { BOT_ID_LABEL, botLabel, botResourceName, jobFor, MEETBOT_SELECTOR, ownedByJob, secretFor, type KubernetesJobSettings } from './kubernetesJob.js';
import type { BotExit, LaunchedBot, Launcher, LaunchRequest } from './launcher.js';

export interface KubernetesLauncherOptions {
  /** The cluster and credentials: the service account in a pod, else a kubeconfig (KubeConfig.loadFromDefault). */
  kubeConfig: KubeConfig;
  job: KubernetesJobSettings;
  log: Logger;
  /** How often the bots' Jobs are looked at (default 5 s): the bot reports its own end over its channel first. */
  pollMs?: number;
  /** How long a pod may wait (image pull, a node with room) before its launch counts as failed (default 5 min). */
  startTimeoutMs?: number;
  /** Bound of each API request (default 15 s). */
  requestTimeoutMs?: number;
}

interface WatchedJob {
  namespace: string;
  name: string;
  label: string;
  /** When this service began watching it, for the start timeout. */
  since: number;
  started: boolean;
  settle: (exit: BotExit) => void;
}

/** An API request that failed, with its HTTP status when the API server answered. */
class KubernetesError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** After a stop's grace: time for the kubelet to report the pod gone and the garbage collector to remove the Job. */
const STOP_SLACK_MS = 10_000;
const STOP_CHECK_MS = 500;
/** Kubernetes' default terminationGracePeriodSeconds, when the template sets none. */
const DEFAULT_POD_GRACE_S = 30;

/**
 * Runs each bot as a Kubernetes Job (one pod, no retries) built from the Job template. The Create Bot body, the
 * channel token and a signed-in bot's credential go in a per-bot Secret the Job owns; the bot reaches the service
 * over its command channel, so the launcher only creates, watches and deletes. One poll lists the Jobs of every watched bot (and their pods only
 * when one is not running), whatever their number; a Job whose pod cannot start within the start timeout is
 * deleted and its bot ends as not launched.
 */
export class KubernetesLauncher implements Launcher {
  readonly name = 'kubernetes';
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly watched = new Map<string, WatchedJob>();
  private readonly passes: PollingPass;
  private polling = false;

  constructor(private readonly opts: KubernetesLauncherOptions) {
    this.batch = opts.kubeConfig.makeApiClient(BatchV1Api);
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.passes = new PollingPass(() => this.look(), opts.pollMs ?? 5000, opts.log, 'look at the bots’ Jobs');
  }

  /** Proves at start that the cluster answers and lets this service list Jobs in its namespace. */
  async check(): Promise<void> {
    const { namespace } = this.opts.job;
    await this.call(`list the Jobs of namespace ${namespace}`, (o) => this.batch.listNamespacedJob({ namespace, labelSelector: MEETBOT_SELECTOR, limit: 1 }, o));
  }

  async launch(req: LaunchRequest): Promise<LaunchedBot> {
    const { namespace } = this.opts.job;
    const name = botResourceName(req.botId);
    await this.call(`create the Secret ${namespace}/${name}`, (o) => this.core.createNamespacedSecret({ namespace, body: secretFor(req, this.opts.job) }, o));
    let job: V1Job | null = null;
    try {
      job = await this.call(`create the Job ${namespace}/${name}`, (o) => this.batch.createNamespacedJob({ namespace, body: jobFor(req, this.opts.job) }, o));
      const uid = job.metadata?.uid;
      if (!uid) throw new Error(`the API server gave the Job ${namespace}/${name} no uid`);
      await this.call(`make the Job own its Secret`, (o) => this.core.patchNamespacedSecret({ name, namespace, body: ownedByJob(name, uid) }, o));
    } catch (err) {
      await this.undoLaunch(namespace, name, job !== null);
      throw err;
    }
    const ref = `${namespace}/${name}`;
    return { ref, outDir: outDirOf(ref), exited: this.watch(namespace, name, req.botId) };
  }

  async find(botId: string, ref: string, outDir: string): Promise<LaunchedBot | null> {
    const target = parseRef(ref);
    if (!target) return null;
    // An API server that cannot be asked is an error, not a bot that is gone: that would end every running bot.
    // Listed by this bot's label: a ref naming another bot's Job finds nothing.
    const jobs = await this.listJobs(target.namespace, `${BOT_ID_LABEL}=${botLabel(botId)}`);
    const job = jobs.find((j) => j.metadata?.name === target.name);
    if (!job || job.metadata?.deletionTimestamp || jobState(job, undefined).kind === 'ended') return null;
    return { ref, outDir, exited: this.watch(target.namespace, target.name, botId) };
  }

  /**
   * Deletes the Job in the foreground: the garbage collector deletes its pod (SIGTERM: the bot leaves, finalises
   * and reports, as on an operator's stop) and its Secret, and the Job goes once the pod is gone. The pod's grace
   * is its own terminationGracePeriodSeconds (a grace period on the Job's deletion does not reach its pods), so
   * `graceMs` bounds only the wait for the Job to be gone.
   */
  async stop(ref: string, graceMs: number): Promise<void> {
    const target = parseRef(ref);
    if (!target || (await this.deleteJob(target.namespace, target.name, 'Foreground'))) return;
    const podGraceMs = (this.opts.job.template.spec?.template.spec?.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_S) * 1000;
    const waitMs = Math.max(graceMs, podGraceMs) + STOP_SLACK_MS;
    const deadline = Date.now() + waitMs;
    while (await this.jobExists(target.namespace, target.name)) {
      if (Date.now() >= deadline) throw new Error(`the Job ${ref} still exists ${Math.round(waitMs / 1000)} s after its deletion`);
      await sleep(STOP_CHECK_MS);
    }
  }

  /** A finished run's Job goes, with its pod and Secret (foreground), before the bot's next run takes their names. */
  remove(ref: string): Promise<void> {
    return this.stop(ref, 0);
  }

  /** Stops looking at Jobs; bots still running keep running and are found again by the next service. */
  async close(): Promise<void> {
    await this.passes.stop();
  }

  private watch(namespace: string, name: string, botId: string): Promise<BotExit> {
    const exited = new Promise<BotExit>((settle) => {
      this.watched.set(`${namespace}/${name}`, { namespace, name, label: botLabel(botId), since: Date.now(), started: false, settle });
    });
    if (!this.polling) {
      this.polling = true;
      this.passes.wake();
    }
    return exited;
  }

  /** One look at every watched bot: its namespace's Jobs in one list, their pods in one more when needed. */
  private async look(): Promise<void> {
    const byNamespace = new Map<string, WatchedJob[]>();
    for (const bot of this.watched.values()) byNamespace.set(bot.namespace, [...(byNamespace.get(bot.namespace) ?? []), bot]);
    for (const [namespace, bots] of byNamespace) {
      const jobs = new Map((await this.listJobs(namespace, MEETBOT_SELECTOR)).map((j) => [j.metadata?.name, j]));
      const podsNeeded = bots.some((b) => jobs.has(b.name) && jobState(jobs.get(b.name), undefined).kind !== 'running');
      const pods = podsNeeded ? await this.podsByBot(namespace) : new Map<string, V1Pod>();
      for (const bot of bots) await this.follow(bot, jobState(jobs.get(bot.name), pods.get(bot.label)));
    }
  }

  private async follow(bot: WatchedJob, state: JobState): Promise<void> {
    if (state.kind === 'running') bot.started = true;
    if (state.kind === 'ended') this.settle(bot, state.exit);
    const startTimeoutMs = this.opts.startTimeoutMs ?? 5 * 60_000;
    if (state.kind !== 'starting' || bot.started || Date.now() - bot.since < startTimeoutMs) return;
    // The bot never ran: its Job goes at once (no leave to wait for), and only then is its end reported, so that
    // a pod that starts late cannot run a bot the service has ended. A failed deletion is tried again next look.
    try {
      await this.deleteJob(bot.namespace, bot.name, 'Background');
    } catch (err) {
      this.opts.log.error('could not delete a Job whose pod did not start', { job: `${bot.namespace}/${bot.name}`, error: String(err) });
      return;
    }
    const message = `the bot's pod did not start within ${startTimeoutMs / 1000} s (${state.waitingOn}); its Job was deleted`;
    this.opts.log.warn('bot pod did not start', { job: `${bot.namespace}/${bot.name}`, waiting_on: state.waitingOn });
    this.settle(bot, { code: null, signal: null, message, neverStarted: true });
  }

  private settle(bot: WatchedJob, exit: BotExit): void {
    this.watched.delete(`${bot.namespace}/${bot.name}`);
    bot.settle(exit);
  }

  /** A launch that failed half-way leaves nothing behind: the Job if it was made, and the Secret. */
  private async undoLaunch(namespace: string, name: string, jobMade: boolean): Promise<void> {
    try {
      if (jobMade) await this.deleteJob(namespace, name, 'Background');
      await this.call(`delete the Secret ${namespace}/${name}`, (o) => this.core.deleteNamespacedSecret({ name, namespace }, o)).catch((err: unknown) => {
        if (!(err instanceof KubernetesError && err.status === 404)) throw err;
      });
    } catch (err) {
      this.opts.log.error('could not clean up after a failed launch', { job: `${namespace}/${name}`, error: String(err) });
    }
  }

  /** Deletes a Job; true when it was gone already. */
  private async deleteJob(namespace: string, name: string, propagationPolicy: 'Foreground' | 'Background'): Promise<boolean> {
    try {
      await this.call(`delete the Job ${namespace}/${name}`, (o) => this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy }, o));
      return false;
    } catch (err) {
      if (err instanceof KubernetesError && err.status === 404) return true;
      throw err;
    }
  }

  private async jobExists(namespace: string, name: string): Promise<boolean> {
    try {
      await this.call(`read the Job ${namespace}/${name}`, (o) => this.batch.readNamespacedJob({ name, namespace }, o));
      return true;
    } catch (err) {
      if (err instanceof KubernetesError && err.status === 404) return false;
      throw err;
    }
  }

  private async listJobs(namespace: string, labelSelector: string): Promise<V1Job[]> {
    return (await this.call(`list the Jobs of namespace ${namespace}`, (o) => this.batch.listNamespacedJob({ namespace, labelSelector }, o))).items;
  }

  /** The bots' pods by bot-id label; of two pods of one bot (a deleted one still listed), the newest. */
  private async podsByBot(namespace: string): Promise<Map<string, V1Pod>> {
    const pods = (await this.call(`list the pods of namespace ${namespace}`, (o) => this.core.listNamespacedPod({ namespace, labelSelector: MEETBOT_SELECTOR }, o))).items;
    const byBot = new Map<string, V1Pod>();
    for (const pod of pods) {
      const label = pod.metadata?.labels?.[BOT_ID_LABEL];
      const seen = label ? byBot.get(label) : undefined;
      if (label && (!seen || created(pod) >= created(seen))) byBot.set(label, pod);
    }
    return byBot;
  }

  /** One API request, bounded in time, its failure a one-line error naming what was being done. */
  private async call<T>(what: string, request: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    const timeoutMs = this.opts.requestTimeoutMs ?? 15_000;
    try {
      return await request(boundedTo(timeoutMs));
    } catch (err) {
      if (err instanceof ApiException) throw new KubernetesError(`could not ${what}: ${statusMessage(err)} (HTTP ${err.code})`, err.code);
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new KubernetesError(`could not ${what}: ${timedOut ? `no answer within ${timeoutMs} ms` : String(err)}`, null);
    }
  }
}

/** Request options that abort the request after `ms` (undici's own limits are minutes). */
function boundedTo(ms: number): ConfigurationOptions {
  const deadline: ObservableMiddleware = {
    pre: (request) => {
      request.setSignal(AbortSignal.timeout(ms));
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [deadline], middlewareMergeStrategy: 'append' };
}

/** The API server's own reason (its Status object's message, a parsed or a raw body), on one line. */
function statusMessage(err: ApiException<unknown>): string {
  const body = typeof err.body === 'string' ? parseJson(err.body) : err.body;
  const message = body && typeof body === 'object' && 'message' in body && typeof body.message === 'string' ? body.message : typeof body === 'string' ? body : 'no reason given';
  return message.replace(/\s+/g, ' ').slice(0, 300);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A launch's reference: `<namespace>/<Job name>`, so a bot is found again even if the namespace setting changed. */
function parseRef(ref: string): { namespace: string; name: string } | null {
  const [namespace, name, ...rest] = ref.split('/');
  return namespace && name && rest.length === 0 ? { namespace, name } : null;
}

/** The bot's outputs stay in its pod (an emptyDir, or wherever the template puts them): not a path on this machine. */
function outDirOf(ref: string): string {
  return `kubernetes://${ref}`;
}

function created(pod: V1Pod): number {
  return pod.metadata?.creationTimestamp?.getTime() ?? 0;
}
