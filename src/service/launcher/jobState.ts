import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { BOT_CONTAINER } from './kubernetesJob.js';
import { lastWords } from './lastWords.js';
import type { BotExit } from './launcher.js';

/** Where a bot's Job stands, read from the Job and its pod as the API server lists them. */
export type JobState = { kind: 'ended'; exit: BotExit } | { kind: 'running' } | { kind: 'starting'; waitingOn: string };

/**
 * The pod's end says most (the container's exit code, reason and last words); a finished Job without its pod
 * says why it failed (deadline, a deleted or evicted pod); a Job that is gone was deleted, or lost with its node.
 * `pod` may be left out while the Job reports a ready pod: a running bot needs no look at it.
 */
export function jobState(job: V1Job | undefined, pod: V1Pod | undefined): JobState {
  if (!job) return ended(null, 'its Kubernetes Job is gone (deleted, or lost with its node) before the bot ended');
  const phase = pod?.status?.phase;
  if (pod && (phase === 'Succeeded' || phase === 'Failed')) return { kind: 'ended', exit: podExit(pod) };
  const finished = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (finished?.type === 'Complete') return ended(0, null);
  if (finished) return ended(null, `the Job failed: ${finished.reason ?? 'Failed'}${finished.message ? `: ${finished.message}` : ''}`);
  if (phase === 'Running' || (job.status?.ready ?? 0) > 0) return { kind: 'running' };
  return { kind: 'starting', waitingOn: waitingOn(pod) };
}

function ended(code: number | null, message: string | null): JobState {
  return { kind: 'ended', exit: { code, signal: null, message } };
}

function podExit(pod: V1Pod): BotExit {
  if (pod.status?.phase === 'Succeeded') return { code: 0, signal: null, message: null };
  const terminated = pod.status?.containerStatuses?.find((s) => s.name === BOT_CONTAINER)?.state?.terminated;
  if (!terminated) {
    const why = pod.status?.reason ? `${pod.status.reason}${pod.status.message ? `: ${pod.status.message}` : ''}` : 'its container never ran';
    return { code: null, signal: null, message: `the pod failed: ${why}` };
  }
  // With terminationMessagePolicy FallbackToLogsOnError the message is the tail of the bot's output.
  const words = terminated.message ? lastWords(terminated.message) : null;
  return { code: terminated.exitCode, signal: null, message: `${terminated.reason ?? 'Error'} (exit ${terminated.exitCode})${words ? `: ${words}` : ''}` };
}

/** What a pod that has not started waits for: an image it cannot pull, a node with room, its Secret... */
function waitingOn(pod: V1Pod | undefined): string {
  if (!pod) return 'no pod yet';
  const waiting = pod.status?.containerStatuses?.find((s) => s.name === BOT_CONTAINER)?.state?.waiting;
  if (waiting?.reason) return `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return `${unscheduled.reason ?? 'Unschedulable'}${unscheduled.message ? `: ${unscheduled.message}` : ''}`;
  return `pod ${pod.status?.phase ?? 'Pending'}`;
}
