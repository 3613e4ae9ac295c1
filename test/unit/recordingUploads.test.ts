import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/events/botEvents.js';
import { EventLog } from '../../src/events/eventLog.js';
import { storeFailure } from '../../src/outputs/objectStore.js';
import { PART_SIZE, RecordingUploads } from '../../src/outputs/recordingUploads.js';
import { UPLOAD_DIR, type UploadJournal } from '../../src/outputs/uploadJournal.js';
import { segmentObjectKey } from '../../src/session/segmentUploads.js';
import { silentLogger } from '../../src/util/log.js';
import { TEST_S3_CREDENTIALS, TestS3 } from '../helpers/testS3.js';

// The uploader against a real S3 API (s3rver), without a browser: a file written bit by bit, as ffmpeg writes
// a segment, goes to the store part by part while it grows; interruptions (a store down, a bot stopped or
// killed) carry on from the last confirmed part; a store that refuses or hangs costs a warning and a bounded
// wait, never the local file.

let s3: TestS3;
const dirs: string[] = [];
/** The uploader's SDK takes its credentials from the environment, as in a bot. */
const envBefore = Object.fromEntries(Object.keys(TEST_S3_CREDENTIALS).map((k) => [k, process.env[k]]));

beforeAll(async () => {
  Object.assign(process.env, TEST_S3_CREDENTIALS);
  s3 = await TestS3.start();
});

afterAll(async () => {
  for (const [k, v] of Object.entries(envBefore)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await s3?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

afterEach(() => s3.setFault(null));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Bench {
  outDir: string;
  file: string;
  events: EventLog;
  uploads: RecordingUploads;
}

async function bench(opts: { outDir?: string; endWaitMs?: number; bucket?: string } = {}): Promise<Bench> {
  const outDir = opts.outDir ?? (await mkdtemp(join(tmpdir(), 'meetbot-upload-')));
  dirs.push(outDir);
  const events = new EventLog({ stdout: false });
  const uploads = new RecordingUploads({ outDir, settings: s3.settings, events, log: silentLogger, pollMs: 20, ...(opts.endWaitMs ? { endWaitMs: opts.endWaitMs } : {}) });
  return { outDir, file: join(outDir, 'recording.part000.mp4'), events, uploads };
}

function target(key: string, bucket = s3.bucket) {
  return { bucket, key, contentType: 'video/mp4' };
}

async function journalsIn(outDir: string): Promise<UploadJournal[]> {
  const dir = join(outDir, UPLOAD_DIR);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as UploadJournal));
}

const ofKind = (events: readonly LoggedEvent[], name: string) => events.filter((e) => e.event === name);
const warnings = (events: readonly LoggedEvent[]) => events.filter((e) => e.event === 'bot.warning');

describe('a growing file', () => {
  it('goes to the store a 5 MiB part at a time while it is written; closed, the rest follows and the object is the file, byte for byte', async () => {
    const b = await bench();
    const key = 'growing/recording.mp4';
    await writeFile(b.file, randomBytes(PART_SIZE - 1000));
    b.uploads.follow(b.file, target(key));
    await sleep(300);
    expect(s3.partRequests(), 'no part before 5 MiB are on disk').toEqual([]);

    await appendFile(b.file, randomBytes(PART_SIZE));
    await until('the first part', () => b.uploads.records()[0]!.size_bytes === PART_SIZE);
    const [journal] = await journalsIn(b.outDir);
    expect(journal!.parts).toEqual([{ number: 1, size: PART_SIZE, etag: expect.any(String) }]);
    expect(await s3.pendingUpload(journal!.upload_id!)).toEqual((await readFile(b.file)).subarray(0, PART_SIZE));
    expect(await s3.exists(key), 'no object before the upload completes').toBe(false);

    // The recorder deletes its segments once joined into recording.mp4: the upload keeps the bytes.
    await appendFile(b.file, randomBytes(300_000));
    const written = await readFile(b.file);
    await rm(b.file);
    b.uploads.close(b.file);
    await b.uploads.finish();

    expect(await s3.getObject(key)).toEqual(written);
    const parts = s3.partRequests(journal!.upload_id!);
    expect(parts.map((p) => [p.partNumber, p.bytes])).toEqual([
      [1, PART_SIZE],
      [2, PART_SIZE],
      [3, written.length - 2 * PART_SIZE],
    ]);
    expect(ofKind(b.events.events, 'recording.uploaded')).toEqual([
      expect.objectContaining({ file: 'recording.part000.mp4', bucket: s3.bucket, key, uri: `s3://${s3.bucket}/${key}`, size_bytes: written.length, etag: expect.stringMatching(/\S/) }),
    ]);
    expect(warnings(b.events.events)).toEqual([]);
    expect(b.uploads.records()).toEqual([expect.objectContaining({ status: 'uploaded', size_bytes: written.length, key, error: null })]);
    // What is left in the upload folder is the finished journal; the bytes kept for the upload are gone.
    expect((await journalsIn(b.outDir)).map((j) => j.completed?.size_bytes)).toEqual([written.length]);
    expect((await readdir(join(b.outDir, UPLOAD_DIR))).filter((n) => !n.endsWith('.json'))).toEqual([]);
  });

  it('a store that is down for a while gets each part again until it answers; a confirmed part is never sent twice', async () => {
    const b = await bench();
    const key = 'outage/recording.mp4';
    await writeFile(b.file, randomBytes(PART_SIZE + 10));
    b.uploads.follow(b.file, target(key));
    await until('the first part', () => b.uploads.records()[0]!.size_bytes === PART_SIZE);

    s3.setFault('unavailable');
    const before = s3.requests.length;
    await appendFile(b.file, randomBytes(PART_SIZE));
    // More refusals than the SDK's own attempts at one call (3): the uploader itself tried again.
    await until('four refused attempts', () => s3.requests.slice(before).filter((r) => r.partNumber === 2).length >= 4, 15_000);
    s3.setFault(null);
    await until('the second part', () => b.uploads.records()[0]!.size_bytes === 2 * PART_SIZE, 15_000);

    b.uploads.close(b.file);
    await b.uploads.finish();
    expect(await s3.getObject(key)).toEqual(await readFile(b.file));
    const uploadId = b.uploads.records()[0]!.upload_id!;
    expect(s3.partRequests(uploadId).filter((r) => r.partNumber === 1)).toHaveLength(1);
    expect(warnings(b.events.events)).toEqual([]);
  });
});

describe('an interrupted upload', () => {
  it('left by a bot stopped before the end, carries on in the next run on the same folder from the last confirmed part, with the same upload id', async () => {
    const first = await bench();
    const key = 'resumed/recording.mp4';
    await writeFile(first.file, randomBytes(2 * PART_SIZE + 123_456));
    first.uploads.follow(first.file, target(key));
    await until('two parts', () => first.uploads.records()[0]!.size_bytes === 2 * PART_SIZE);
    // What a killed bot leaves: the journal and the kept bytes, no completion.
    first.uploads.stop();
    await sleep(100);
    const [left] = await journalsIn(first.outDir);
    expect(left).toMatchObject({ completed: null, failed: null, parts: [{ number: 1 }, { number: 2 }] });
    expect(await s3.exists(key)).toBe(false);

    const sentBefore = s3.partRequests(left!.upload_id!).length;
    const next = await bench({ outDir: first.outDir });
    next.uploads.resumeLeftovers();
    await next.uploads.finish();

    expect(await s3.getObject(key)).toEqual(await readFile(first.file));
    const resumedParts = s3.partRequests(left!.upload_id!).slice(sentBefore);
    expect(resumedParts.map((p) => [p.partNumber, p.bytes])).toEqual([[3, 123_456]]);
    expect(next.uploads.records()).toEqual([expect.objectContaining({ status: 'uploaded', upload_id: left!.upload_id, size_bytes: 2 * PART_SIZE + 123_456 })]);
    expect(ofKind(next.events.events, 'recording.uploaded')).toHaveLength(1);
  });
});

describe('a store that cannot take the recording', () => {
  it('refuses (no such bucket): one warning with the store’s reason as the file starts, the local file untouched, the end not held up', async () => {
    const b = await bench();
    const content = randomBytes(1000);
    await writeFile(b.file, content);
    b.uploads.follow(b.file, target('x.mp4', 'no-such-bucket'));
    const warning = await until('the warning', () => warnings(b.events.events)[0]);
    expect(warning).toMatchObject({ kind: 'recording_not_uploaded', file: 'recording.part000.mp4', uri: 's3://no-such-bucket/x.mp4' });
    expect((warning as { message: string }).message).toMatch(/NoSuchBucket.*stays in the output folder/);

    const began = Date.now();
    b.uploads.close(b.file);
    await b.uploads.finish();
    expect(Date.now() - began).toBeLessThan(500);
    expect(await readFile(b.file)).toEqual(content);
    expect(b.uploads.records()).toEqual([expect.objectContaining({ status: 'failed', error: expect.stringContaining('NoSuchBucket') })]);
    expect(warnings(b.events.events)).toHaveLength(1);
  });

  it('hangs: the end waits endWaitMs at most, then stops the upload with a warning; the folder keeps it, and a later run completes it', async () => {
    const b = await bench({ endWaitMs: 800 });
    const key = 'hung/recording.mp4';
    const content = randomBytes(PART_SIZE + 77);
    await writeFile(b.file, content);
    b.uploads.follow(b.file, target(key));
    await until('the first part', () => b.uploads.records()[0]!.size_bytes === PART_SIZE);
    s3.setFault('hang');

    const began = Date.now();
    b.uploads.close(b.file);
    await b.uploads.finish();
    const waited = Date.now() - began;
    expect(waited).toBeGreaterThanOrEqual(800);
    expect(waited).toBeLessThan(800 + 1500);
    expect(b.uploads.records()).toEqual([expect.objectContaining({ status: 'incomplete', size_bytes: PART_SIZE })]);
    expect(warnings(b.events.events)).toEqual([expect.objectContaining({ kind: 'recording_not_uploaded', message: expect.stringContaining('not completely uploaded') })]);
    expect(await readFile(b.file)).toEqual(content);

    s3.setFault(null);
    const next = await bench({ outDir: b.outDir });
    next.uploads.resumeLeftovers();
    await next.uploads.finish();
    expect(await s3.getObject(key)).toEqual(content);
  });
});

describe('pure parts', () => {
  it('store failures: no answer and 5xx are retried, a lost upload is started again, refusals end the upload', () => {
    const sdkError = (name: string, status?: number) => Object.assign(new Error(name), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });
    expect(storeFailure(sdkError('TimeoutError'))).toBe('retry');
    expect(storeFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('retry');
    expect(storeFailure(sdkError('ServiceUnavailable', 503))).toBe('retry');
    expect(storeFailure(sdkError('SlowDown', 503))).toBe('retry');
    expect(storeFailure(sdkError('RequestTimeout', 400))).toBe('retry');
    expect(storeFailure(sdkError('NoSuchUpload', 404))).toBe('restart');
    expect(storeFailure(sdkError('NoSuchBucket', 404))).toBe('give_up');
    expect(storeFailure(sdkError('AccessDenied', 403))).toBe('give_up');
    expect(storeFailure(sdkError('CredentialsProviderError'))).toBe('give_up');
  });

  it('segment keys: the body’s key for the first segment, .partNNN before the extension for later ones', () => {
    expect(segmentObjectKey('team/weekly.mp4', 0)).toBe('team/weekly.mp4');
    expect(segmentObjectKey('team/weekly.mp4', 1)).toBe('team/weekly.part001.mp4');
    expect(segmentObjectKey('v1.2/weekly', 12)).toBe('v1.2/weekly.part012');
    expect(segmentObjectKey('a/.hidden', 3)).toBe('a/.hidden.part003');
  });
});
