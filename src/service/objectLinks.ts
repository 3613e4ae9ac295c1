import type { ObjectStoreSettings } from '../config/objectStoreSettings.js';

/** A recording a bot uploaded: `s3://<bucket>/<key>`. */
export function parseObjectUri(uri: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : null;
}

/**
 * Presigned GET links to recordings in the operator's object store (bots on Kubernetes have no folder the service
 * can read). The SDK is loaded on first use; the service's AWS credentials sign, so they need read access there.
 */
export class ObjectLinks {
  private signer: Promise<(bucket: string, key: string, ttlSec: number) => Promise<string>> | null = null;

  constructor(private readonly settings: ObjectStoreSettings) {}

  async url(uri: string, ttlSec: number): Promise<string | null> {
    const target = parseObjectUri(uri);
    if (!target) return null;
    this.signer ??= this.load();
    return (await this.signer)(target.bucket, target.key, ttlSec);
  }

  private async load() {
    const [{ S3Client, GetObjectCommand }, { getSignedUrl }] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);
    const client = new S3Client({
      region: this.settings.region,
      ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
      forcePathStyle: this.settings.forcePathStyle,
    });
    return (bucket: string, key: string, ttlSec: number) => getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: ttlSec });
  }
}
