import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { ObjectStoreSettings } from '../../src/config/objectStoreSettings.js';

/** s3rver's own account: the only credentials it takes. */
export const TEST_S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

/** What the store does with the requests a fault matches: answer 503, or never answer (until the fault is lifted). */
export type StoreFault = 'unavailable' | 'hang';

export interface StoreRequest {
  method: string;
  /** `/<bucket>/<key>` */
  path: string;
  /** Set on UploadPart. */
  partNumber: number | null;
  /** Set on every multipart call. */
  uploadId: string | null;
  /** Body bytes (Content-Length). */
  bytes: number;
}

/**
 * A real S3 API for a test file: s3rver on a free loopback port, its data in a temp folder, one bucket. It
 * records every request and can be told to fail or hang the ones a predicate picks (a store that is down or
 * stuck), and lift that again.
 */
export class TestS3 {
  readonly requests: StoreRequest[] = [];
  private fault: { kind: StoreFault; when: (r: StoreRequest) => boolean } | null = null;
  private hung: (() => void)[] = [];

  private constructor(
    private readonly server: S3rver,
    readonly dir: string,
    readonly bucket: string,
    readonly endpoint: string,
    readonly client: S3Client,
  ) {}

  static async start(bucket = 'meetbot-test'): Promise<TestS3> {
    const dir = await mkdtemp(join(tmpdir(), 'meetbot-s3-'));
    const server = new S3rver({ port: 0, address: '127.0.0.1', directory: dir, silent: true, configureBuckets: [{ name: bucket }] });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: TEST_S3_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_S3_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    });
    const s3 = new TestS3(server, dir, bucket, endpoint, client);
    server.middleware.unshift(async (ctx, next) => {
      const r: StoreRequest = {
        method: ctx.method,
        path: ctx.path,
        partNumber: ctx.query.partNumber ? Number(ctx.query.partNumber) : null,
        uploadId: ctx.query.uploadId ?? null,
        bytes: Number(ctx.req.headers['content-length'] ?? 0),
      };
      s3.requests.push(r);
      const fault = s3.fault?.when(r) ? s3.fault.kind : null;
      if (fault === 'hang') {
        await new Promise<void>((resolve) => s3.hung.push(resolve));
        ctx.req.socket.destroy();
        return;
      }
      if (fault === 'unavailable') {
        ctx.status = 503;
        ctx.type = 'application/xml';
        ctx.body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>test fault</Message></Error>';
        return;
      }
      await next();
    });
    return s3;
  }

  /** The runtime settings a bot gets for this store. */
  get settings(): ObjectStoreSettings {
    return { endpoint: this.endpoint, region: 'us-east-1', forcePathStyle: true };
  }

  /** The environment a bot process needs for this store. */
  get env(): NodeJS.ProcessEnv {
    return { ...TEST_S3_CREDENTIALS, MEETBOT_S3_ENDPOINT: this.endpoint, AWS_REGION: 'us-east-1' };
  }

  /** From now on, requests for which `when` holds fail as `kind`; null lifts the fault (hung requests are dropped). */
  setFault(kind: StoreFault | null, when: (r: StoreRequest) => boolean = () => true): void {
    this.fault = kind ? { kind, when } : null;
    if (!kind) this.releaseHung();
  }

  /** UploadPart requests so far, in order (optionally of one upload). */
  partRequests(uploadId?: string): StoreRequest[] {
    return this.requests.filter((r) => r.method === 'PUT' && r.partNumber !== null && (uploadId === undefined || r.uploadId === uploadId));
  }

  async getObject(key: string): Promise<Buffer> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  async exists(key: string): Promise<boolean> {
    return this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })).then(
      () => true,
      () => false,
    );
  }

  /**
   * The bytes the store holds for an upload not completed yet: its parts, in order, as they would make the
   * object (read from s3rver's folder: the S3 API lists no parts on s3rver).
   */
  async pendingUpload(uploadId: string): Promise<Buffer> {
    const folder = join(this.dir, this.bucket, '._S3rver_uploads', uploadId);
    const parts = (await readdir(folder)).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
    return Buffer.concat(await Promise.all(parts.map((n) => readFile(join(folder, String(n))))));
  }

  async close(): Promise<void> {
    this.releaseHung();
    this.server.httpServer?.closeAllConnections();
    await this.server.close();
    this.client.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }

  private releaseHung(): void {
    for (const release of this.hung.splice(0)) release();
  }
}
