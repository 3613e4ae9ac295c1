import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { type Command, Option } from 'commander';
import type { ServiceCli } from './cliService.js';
import { loadJobTemplate } from './service/launcher/kubernetesJob.js';
import { KubernetesLauncher } from './service/launcher/kubernetesLauncher.js';
import type { Logger } from './util/log.js';

/** `meetbot serve --launcher kubernetes` and its settings (docs/api.md, "Running bots on Kubernetes"). */
export interface KubernetesFlags {
  launcher?: string;
  channelUrl?: string;
  kubernetesNamespace?: string;
  kubernetesImage?: string;
  kubernetesServiceAccount?: string;
  kubernetesJobTemplate?: string;
}

const LAUNCHERS = ['process', 'kubernetes'];
/** The Job template of this installation: the same file `kubectl apply` takes by hand. */
const DEFAULT_JOB_TEMPLATE = fileURLToPath(new URL('../../deploy/kubernetes-job.yaml', import.meta.url));

export function addKubernetesOptions(serve: Command): void {
  serve
    .addOption(new Option('--launcher <kind>', 'where bots run: this machine\'s processes, or one Kubernetes Job each (default $MEETBOT_LAUNCHER or process)').choices(LAUNCHERS))
    .option('--kubernetes-namespace <ns>', "namespace of the bots' Jobs (default $MEETBOT_KUBERNETES_NAMESPACE, else the kubeconfig's or service account's)")
    .option('--kubernetes-image <image>', "the bots' image (also MEETBOT_KUBERNETES_IMAGE; required with --launcher kubernetes)")
    .option('--kubernetes-service-account <name>', "the bots' service account (also MEETBOT_KUBERNETES_SERVICE_ACCOUNT; default: the template's)")
    .option('--kubernetes-job-template <file>', "the Job each bot's is built from (also MEETBOT_KUBERNETES_JOB_TEMPLATE; default deploy/kubernetes-job.yaml)");
}

/** The Kubernetes launcher from the settings, or null for this machine's processes; a usage error names each missing or bad setting. */
export async function kubernetesLauncherFrom(flags: KubernetesFlags, c: ServiceCli, log: Logger): Promise<KubernetesLauncher | null> {
  const { env } = c;
  const kind = flags.launcher ?? env.MEETBOT_LAUNCHER ?? 'process';
  if (!LAUNCHERS.includes(kind)) throw c.usage(`MEETBOT_LAUNCHER must be one of ${LAUNCHERS.join(', ')} (got ${JSON.stringify(kind.slice(0, 40))})`);
  if (kind === 'process') return null;
  // The service's own listening address means nothing inside a pod: bots need its in-cluster URL.
  if (!(flags.channelUrl ?? env.MEETBOT_CHANNEL_URL)) throw c.usage("--launcher kubernetes needs --channel-url (or MEETBOT_CHANNEL_URL): the service's in-cluster ws:// URL the bots' pods connect to");
  const image = flags.kubernetesImage ?? env.MEETBOT_KUBERNETES_IMAGE;
  if (!image) throw c.usage("--launcher kubernetes needs --kubernetes-image (or MEETBOT_KUBERNETES_IMAGE): the bots' image");
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromDefault();
  } catch (err) {
    throw c.usage(`cannot read the Kubernetes configuration (KUBECONFIG, ~/.kube/config or the pod's service account): ${(err as Error).message}`);
  }
  const namespace = flags.kubernetesNamespace ?? env.MEETBOT_KUBERNETES_NAMESPACE ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  if (!namespace) throw c.usage("--launcher kubernetes needs --kubernetes-namespace (or MEETBOT_KUBERNETES_NAMESPACE): the kubeconfig's context names none");
  const templateFile = resolve(flags.kubernetesJobTemplate ?? env.MEETBOT_KUBERNETES_JOB_TEMPLATE ?? DEFAULT_JOB_TEMPLATE);
  const template = await loadJobTemplate(templateFile).catch((err: unknown) => {
    throw c.usage(`--kubernetes-job-template: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  });
  return new KubernetesLauncher({
    kubeConfig,
    job: { namespace, image, serviceAccountName: flags.kubernetesServiceAccount ?? env.MEETBOT_KUBERNETES_SERVICE_ACCOUNT ?? null, template },
    log: log.child('launcher'),
  });
}
