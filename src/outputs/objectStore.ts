import { createHash } from 'node:crypto';
import type { ObjectStoreSettings } from '../config/objectStoreSettings.js';

/** Where one file goes. */
export interface UploadTarget {
  bucket: string;
  key: string;
  contentType: string;
}

export interface UploadedPart {
  number: number;
  size: number;
  etag: string;
}

/** The multipart calls a resumable upload needs; every call can be aborted. */
export interface ObjectStore {
  createUpload(target: UploadTarget, signal: AbortSignal): Promise<string>;
  uploadPart(target: UploadTarget, uploadId: string, number: number, body: Buffer, signal: AbortSignal): Promise<string>;
  /** Resolves with the object's ETag. */
  completeUpload(target: UploadTarget, uploadId: string, parts: readonly UploadedPart[], signal: AbortSignal): Promise<string>;
}

/** How long a connection may take, and a request may stay silent, before the SDK gives up on it. */
const CONNECT_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 30_000;

export function objectUri(target: Pick<UploadTarget, 'bucket' | 'key'>): string {
  return `s3://${target.bucket}/${target.key}`;
}

/**
 * An S3 client for `settings`. The SDK (~35 MB of memory, ~0.3 s to load) is imported here, on first use, so
 * bots that upload nothing never pay for it.
 */
export async function openObjectStore(settings: ObjectStoreSettings): Promise<ObjectStore> {
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    followRegionRedirects: true,
    // Parts carry Content-MD5, which every S3-compatible store checks; the SDK's newer default checksums are
    // refused or mangled by several of them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  });
  return {
    async createUpload(t, signal) {
      const out = await client.send(new s3.CreateMultipartUploadCommand({ Bucket: t.bucket, Key: t.key, ContentType: t.contentType }), { abortSignal: signal });
      if (!out.UploadId) throw new Error('the store answered without an UploadId');
      return out.UploadId;
    },
    async uploadPart(t, uploadId, number, body, signal) {
      const contentMd5 = createHash('md5').update(body).digest('base64');
      const out = await client.send(
        new s3.UploadPartCommand({ Bucket: t.bucket, Key: t.key, UploadId: uploadId, PartNumber: number, Body: body, ContentMD5: contentMd5 }),
        { abortSignal: signal },
      );
      if (!out.ETag) throw new Error(`the store answered part ${number} without an ETag`);
      return out.ETag;
    },
    async completeUpload(t, uploadId, parts, signal) {
      const out = await client.send(
        new s3.CompleteMultipartUploadCommand({
          Bucket: t.bucket,
          Key: t.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.number, ETag: p.etag })) },
        }),
        { abortSignal: signal },
      );
      return out.ETag ?? '';
    },
  };
}

/**
 * What a failed call means for the upload: `retry` (no answer, a timeout, the store busy or failing: try again
 * later), `restart` (the store no longer knows the upload id: start a new upload of the same file) or
 * `give_up` (the store refuses: no such bucket, access denied, no credentials; trying again cannot help).
 */
export type StoreFailure = 'retry' | 'restart' | 'give_up';

const RETRIED_CODES = new Set(['RequestTimeout', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeTooSkewed']);

export function storeFailure(err: unknown): StoreFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = typeof e.name === 'string' ? e.name : '';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : null;
  if (name === 'NoSuchUpload') return 'restart';
  if (name === 'CredentialsProviderError') return 'give_up';
  if (status === null || status >= 500 || status === 408 || status === 429 || RETRIED_CODES.has(name)) return 'retry';
  return 'give_up';
}

/** One line for logs and warnings: the store's error code and message, or the network error. */
export function describeStoreError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const name = err.name !== 'Error' ? err.name : typeof code === 'string' ? code : '';
  return `${name ? `${name}: ` : ''}${err.message}`.split('\n')[0]!.slice(0, 300);
}
