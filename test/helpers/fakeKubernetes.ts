import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** One request as the fake API server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  body: any;
}

type Obj = Record<string, any>;

const SECRET = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/;
const JOB = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/;
const POD = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/;

/**
 * Just the Kubernetes API calls the launcher makes, on a real HTTP server with the real paths and JSON: Secrets
 * (create, JSON-patch, delete), Jobs (create, list by label selector, read, delete) and pods (list by label
 * selector). No controller runs: the test plays the Job controller and the kubelet with `addPod` and
 * `setJobStatus`; deleting a Job deletes its pods and the Secrets it owns, as the garbage collector would.
 */
export class FakeKubernetes {
  readonly requests: SeenRequest[] = [];
  readonly secrets = new Map<string, Obj>();
  readonly jobs = new Map<string, Obj>();
  readonly pods = new Map<string, Obj>();
  /** Answers a request itself (a refusal, no answer at all) when it returns true. */
  intercept: ((req: SeenRequest, res: ServerResponse) => boolean) | null = null;
  /** A foreground deletion keeps the Job (deletionTimestamp set) this long: its pod terminating. */
  foregroundMs = 0;
  private readonly server: Server;
  private serial = 0;

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(): Promise<FakeKubernetes> {
    const fake = new FakeKubernetes();
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A kubeconfig for this server: a token user, and a context namespace when given. */
  kubeConfig(namespace?: string): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      // Plain HTTP is refused by the client unless TLS checks are off: this server has no TLS at all.
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'launcher', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'launcher', ...(namespace ? { namespace } : {}) }],
      currentContext: 'fake',
    });
    return kc;
  }

  seen(method: string, path: RegExp): SeenRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** The pod the Job controller would make, with the Job's pod labels, in the given status. */
  addPod(namespace: string, jobName: string, status: Obj, ageMs = 0): Obj {
    const job = this.jobs.get(`${namespace}/${jobName}`)!;
    const name = `${jobName}-${(this.serial++).toString(36).padStart(5, 'x')}`;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, uid: this.uid(), creationTimestamp: new Date(Date.now() - ageMs).toISOString(), labels: { ...job.spec.template.metadata.labels, 'batch.kubernetes.io/job-name': jobName } },
      spec: job.spec.template.spec,
      status,
    };
    this.pods.set(`${namespace}/${name}`, pod);
    return pod;
  }

  setJobStatus(namespace: string, name: string, status: Obj): void {
    this.jobs.get(`${namespace}/${name}`)!.status = status;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const url = new URL(req.url ?? '/', 'http://fake');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : null,
    };
    this.requests.push(seen);
    if (this.intercept?.(seen, res)) return;
    const [status, body] = this.answer(seen);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private answer({ method, path, query, body }: SeenRequest): [number, Obj] {
    const secret = SECRET.exec(path);
    const job = JOB.exec(path);
    const pod = POD.exec(path);
    if (secret && method === 'POST') return this.create(this.secrets, secret[1]!, body);
    if (secret?.[2] && method === 'PATCH') return this.patch(this.secrets, `${secret[1]}/${secret[2]}`, body);
    if (secret?.[2] && method === 'DELETE') return this.remove(this.secrets, `${secret[1]}/${secret[2]}`);
    if (job && !job[2] && method === 'POST') return this.create(this.jobs, job[1]!, { ...body, status: {} });
    if (job && !job[2] && method === 'GET') return list('JobList', this.jobs, job[1]!, query);
    if (job?.[2] && method === 'GET') return this.jobs.has(`${job[1]}/${job[2]}`) ? [200, this.jobs.get(`${job[1]}/${job[2]}`)!] : notFound(job[2]);
    if (job?.[2] && method === 'DELETE') return this.deleteJob(`${job[1]}/${job[2]}`, query.get('propagationPolicy'));
    if (pod && method === 'GET') return list('PodList', this.pods, pod[1]!, query);
    return [501, status(501, 'NotImplemented', `the fake knows no ${method} ${path}`)];
  }

  private create(store: Map<string, Obj>, namespace: string, body: Obj): [number, Obj] {
    const key = `${namespace}/${body.metadata.name}`;
    if (store.has(key)) return [409, status(409, 'AlreadyExists', `${body.kind} "${body.metadata.name}" already exists`)];
    const made = { ...body, metadata: { ...body.metadata, namespace, uid: this.uid(), creationTimestamp: new Date().toISOString() } };
    store.set(key, made);
    return [201, made];
  }

  /** JSON patch, the `add` operations the launcher sends. */
  private patch(store: Map<string, Obj>, key: string, ops: { op: string; path: string; value: unknown }[]): [number, Obj] {
    const target = store.get(key);
    if (!target) return notFound(key);
    for (const { op, path, value } of ops) {
      if (op !== 'add') return [422, status(422, 'Invalid', `the fake patches only with add, not ${op}`)];
      const parts = path.split('/').slice(1);
      const parent = parts.slice(0, -1).reduce((o: Obj, p) => o[p], target);
      parent[parts.at(-1)!] = value;
    }
    return [200, target];
  }

  private remove(store: Map<string, Obj>, key: string): [number, Obj] {
    if (!store.delete(key)) return notFound(key);
    return [200, status(200, '', 'deleted')];
  }

  private deleteJob(key: string, propagationPolicy: string | null): [number, Obj] {
    const job = this.jobs.get(key);
    if (!job) return notFound(key);
    const collect = () => {
      this.jobs.delete(key);
      const uid = job.metadata.uid;
      for (const [k, p] of this.pods) if (p.metadata.labels['batch.kubernetes.io/job-name'] === job.metadata.name) this.pods.delete(k);
      for (const [k, s] of this.secrets) if (s.metadata.ownerReferences?.some((o: Obj) => o.uid === uid)) this.secrets.delete(k);
    };
    if (propagationPolicy === 'Foreground' && this.foregroundMs > 0) {
      job.metadata.deletionTimestamp = new Date().toISOString();
      setTimeout(collect, this.foregroundMs);
    } else collect();
    return [200, job];
  }

  private uid(): string {
    return `00000000-0000-4000-8000-${(this.serial++).toString().padStart(12, '0')}`;
  }
}

function list(kind: string, store: Map<string, Obj>, namespace: string, query: URLSearchParams): [number, Obj] {
  const wanted = (query.get('labelSelector') ?? '').split(',').filter(Boolean).map((kv) => kv.split('='));
  const items = [...store.values()].filter((o) => o.metadata.namespace === namespace && wanted.every(([k, v]) => o.metadata.labels?.[k!] === v));
  const limit = Number(query.get('limit') ?? 0);
  return [200, { kind, apiVersion: kind === 'JobList' ? 'batch/v1' : 'v1', metadata: { resourceVersion: '1' }, items: limit ? items.slice(0, limit) : items }];
}

function status(code: number, reason: string, message: string): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure', reason, message, code };
}

function notFound(name: string): [number, Obj] {
  return [404, status(404, 'NotFound', `"${name}" not found`)];
}
