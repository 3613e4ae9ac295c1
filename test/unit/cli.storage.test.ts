import { describe, expect, it } from 'vitest';
import { runCliCapturing } from '../helpers/cliRun.js';
import { redactorFor } from '../../src/config/secrets.js';

// The object store's runtime settings: MEETBOT_S3_ENDPOINT, MEETBOT_S3_PATH_STYLE and AWS_REGION reach the
// runtime, bad values are usage errors (exit 2) before any bot starts, and the credentials' secrets are
// among the bot's redacted secrets.

const BODY = JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij', external_media_storage_settings: { bucket_name: 'acme-recordings' } });
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function cli(env: NodeJS.ProcessEnv) {
  return runCliCapturing(['join', '--out', '<out>'], { BOT_CONFIG: BODY, ...env });
}

describe('MEETBOT_S3_ENDPOINT / MEETBOT_S3_PATH_STYLE / AWS_REGION', () => {
  it('default to AWS S3 in us-east-1 with virtual-hosted addressing; an endpoint turns path-style on unless told otherwise', async () => {
    expect((await cli({})).opts?.objectStore).toEqual({ endpoint: null, region: 'us-east-1', forcePathStyle: false });
    expect((await cli({ MEETBOT_S3_ENDPOINT: 'http://minio.internal:9000', AWS_REGION: 'eu-west-3' })).opts?.objectStore).toEqual({
      endpoint: 'http://minio.internal:9000',
      region: 'eu-west-3',
      forcePathStyle: true,
    });
    expect((await cli({ MEETBOT_S3_ENDPOINT: 'https://s3.acme.example', MEETBOT_S3_PATH_STYLE: '0' })).opts?.objectStore.forcePathStyle).toBe(false);
    expect((await cli({ MEETBOT_S3_PATH_STYLE: '1' })).opts?.objectStore.forcePathStyle).toBe(true);
  });

  it.each([
    ['an endpoint that is no http(s) URL', { MEETBOT_S3_ENDPOINT: 'minio.internal:9000' }, 'MEETBOT_S3_ENDPOINT must be an http:// or https:// URL (got "minio.internal:9000")'],
    ['a path style that is no switch', { MEETBOT_S3_PATH_STYLE: 'maybe' }, 'MEETBOT_S3_PATH_STYLE must be 1 or 0 (got "maybe")'],
  ])('%s is a usage error naming it (exit 2), and no bot starts', async (_case, env, message) => {
    const r = await cli(env);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.opts).toBeNull();
  });

  it('the secret access key and session token are secrets of the bot: redacted wherever it writes', async () => {
    const { opts } = await cli({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLE' });
    expect(opts?.storageSecrets).toEqual([SECRET, 'IQoJb3JpZ2luX2VjEXAMPLE']);
    const redact = redactorFor({ meeting: { password: null, join_url: 'https://meet.google.com/abc-defg-hij', original_url: 'https://meet.google.com/abc-defg-hij' } } as never, opts!);
    expect(redact(`signing with ${SECRET} and IQoJb3JpZ2luX2VjEXAMPLE`)).toBe('signing with [redacted] and [redacted]');
  });
});
