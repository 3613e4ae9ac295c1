import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotEvent, RecordingUploadedEvent } from '../../src/events/botEvents.js';
import { PART_SIZE } from '../../src/outputs/recordingUploads.js';
import { UPLOAD_DIR, type UploadJournal } from '../../src/outputs/uploadJournal.js';
import { toneEnergy } from '../../fixtures/media/audio.js';
import { execMedia } from '../../fixtures/media/exec.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { TestS3 } from '../helpers/testS3.js';

// Real bots (the compiled CLI) in the Meet mock, recording into a real S3 API (s3rver): the recording reaches
// the bucket part by part while the meeting goes on, is complete there when the bot has ended, and a bot
// killed with SIGKILL mid-recording leaves its parts in the bucket, playable, which a bot started again on the
// same output folder completes from where they stopped.

// Their video is noise: the recording grows by megabytes in seconds, so a 5 MiB part fills quickly (a plain
// mock picture makes ~0.5 Mbit/s, over a minute per part).
const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440, video_noise: true };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000, video_noise: true };
/** Generous: e2e files run one at a time, but on two cores shared with everything else. */
const IN_CALL_MS = 150_000;

const { client, startBot } = useMockServer();
let s3: TestS3;

beforeAll(async () => {
  s3 = await TestS3.start();
});

afterAll(async () => {
  await s3?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function meeting() {
  return client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [ALICE, BOB], ui_variant: { device_modal: 'never' } });
}

function bot(url: string, key: string, outDir?: string): BotProcess {
  return startBot({
    url,
    platform: 'google_meet',
    body: { bot_name: 'Bucket Notetaker', external_media_storage_settings: { bucket_name: s3.bucket, recording_file_name: key } },
    env: s3.env,
    ...(outDir ? { outDir } : {}),
  });
}

function journals(outDir: string): UploadJournal[] {
  const dir = join(outDir, UPLOAD_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as UploadJournal);
}

const confirmedBytes = (j: UploadJournal | undefined) => (j ? j.parts.reduce((sum, p) => sum + p.size, 0) : 0);

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

interface Sample {
  at: number;
  written: number;
  confirmed: number;
}

/**
 * Samples the segment file and its upload journal every 250 ms until `done`: for each part, how long after
 * its last byte reached the disk the store had confirmed it.
 */
async function sampleUpload(outDir: string, done: () => boolean): Promise<Sample[]> {
  const segment = join(outDir, 'recording.part000.mp4');
  const samples: Sample[] = [];
  while (!done()) {
    samples.push({ at: Date.now(), written: sizeOf(segment), confirmed: confirmedBytes(journals(outDir).find((j) => j.file === 'recording.part000.mp4')) });
    await sleep(250);
  }
  return samples;
}

function partLagsMs(samples: readonly Sample[]): number[] {
  const lags: number[] = [];
  for (let end = PART_SIZE; ; end += PART_SIZE) {
    const written = samples.find((s) => s.written >= end);
    const confirmed = samples.find((s) => s.confirmed >= end);
    if (!written || !confirmed) return lags;
    lags.push(confirmed.at - written.at);
  }
}

async function probe(file: string): Promise<{ duration: number; codecs: string[] }> {
  const { stdout } = await execMedia('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file]);
  const info = JSON.parse(stdout.toString()) as { format: { duration: string }; streams: { codec_name: string }[] };
  return { duration: Number(info.format.duration), codecs: info.streams.map((s) => s.codec_name).sort() };
}

/** Decodes the whole file: throws on anything but a truncated tail. */
async function decodes(file: string): Promise<void> {
  await execMedia('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
}

const uploadedEvents = (b: BotProcess) => b.events.filter((e): e is RecordingUploadedEvent => e.event === 'recording.uploaded');

describe('a bot asked to store its recording in a bucket', () => {
  it('uploads it part by part while recording; when the bot ends the object is complete, plays, holds both voices, and is reported before done', async () => {
    const m = await meeting();
    const key = 'e2e/weekly-sync.mp4';
    const b = bot(m.join_url, key);
    await b.waitForStatus('in_call_recording', IN_CALL_MS);

    // Record until a part is confirmed while the meeting goes on, sampling how far the upload lags behind the disk.
    let ready = false;
    const sampling = sampleUpload(b.outDir, () => ready);
    const deadline = Date.now() + 120_000;
    while (confirmedBytes(journals(b.outDir)[0]) < PART_SIZE && Date.now() < deadline) await sleep(500);
    await sleep(2000);
    ready = true;
    const samples = await sampling;
    const lags = partLagsMs(samples);
    expect(lags.length, `parts confirmed while recording (file at ${samples.at(-1)?.written} bytes)`).toBeGreaterThanOrEqual(1);
    expect(await s3.exists(key), 'no object until the upload completes').toBe(false);
    const startedAt = samples[0]!.at;
    const filledAt = samples.find((s) => s.written >= PART_SIZE)!.at;

    const stoppedAt = Date.now();
    const exit = await b.stop('SIGTERM');
    const stopMs = Date.now() - stoppedAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(10_000);

    const [uploaded] = uploadedEvents(b);
    expect(uploaded).toMatchObject({ file: 'recording.part000.mp4', bucket: s3.bucket, key, uri: `s3://${s3.bucket}/${key}`, etag: expect.stringMatching(/\S/) });
    const order = b.events.map((e: BotEvent) => e.event);
    expect(order.indexOf('recording.uploaded')).toBeGreaterThan(order.indexOf('bot.call_ended'));
    expect(order.indexOf('recording.uploaded')).toBeLessThan(order.indexOf('bot.done'));
    expect(b.events.filter((e) => e.event === 'bot.warning')).toEqual([]);

    const manifest = JSON.parse(readFileSync(join(b.outDir, 'manifest.json'), 'utf8'));
    expect(manifest.uploads).toEqual([
      { file: 'recording.part000.mp4', bucket: s3.bucket, key, uri: uploaded!.uri, status: 'uploaded', size_bytes: uploaded!.size_bytes, etag: uploaded!.etag, upload_id: expect.any(String), error: null },
    ]);
    const object = await s3.getObject(key);
    expect(object.length).toBe(uploaded!.size_bytes);
    expect(object.length).toBeGreaterThan(PART_SIZE);
    const objectFile = join(b.outDir, 'bucket-object.mp4');
    writeFileSync(objectFile, object);
    await decodes(objectFile);
    const media = await probe(objectFile);
    expect(media.codecs).toEqual(['aac', 'h264']);
    // The same media as the local recording (the object is the segment as ffmpeg wrote it, before the join).
    expect(Math.abs(media.duration - manifest.recording.duration_sec)).toBeLessThan(1);
    expect(await toneEnergy(objectFile, ALICE.tone_hz, 1, media.duration - 1)).toBeGreaterThan(0.02);
    expect(await toneEnergy(objectFile, BOB.tone_hz, 1, media.duration - 1)).toBeGreaterThan(0.02);
    // Every part went once; what the upload kept in the output folder is gone, its journal says complete.
    const [journal] = journals(b.outDir);
    expect(s3.partRequests(journal!.upload_id!).map((r) => r.partNumber)).toEqual(journal!.parts.map((p) => p.number));
    expect(journal!.completed).toMatchObject({ size_bytes: object.length });
    expect(readdirSync(join(b.outDir, UPLOAD_DIR)).filter((n) => !n.endsWith('.json'))).toEqual([]);
    expect(readdirSync(b.outDir).filter((n) => n.startsWith('recording'))).toEqual(['recording.mp4']);

    const endWaitMs = Date.parse(uploaded!.created_at) - Date.parse(b.events.find((e) => e.event === 'bot.call_ended')!.created_at);
    console.info(
      `upload: the first 5 MiB written ${((filledAt - startedAt) / 1000).toFixed(1)} s into the recording; ` +
        `each part confirmed ${lags.join(', ')} ms after its last byte reached the disk (250 ms sampling); ` +
        `call_ended → recording.uploaded ${endWaitMs} ms; SIGTERM → exit ${stopMs} ms; object ${object.length} bytes in ${journal!.parts.length} parts`,
    );
  });

  it('killed with SIGKILL mid-recording, leaves its parts in the bucket, playable; a bot started again on the folder completes that upload from where it stopped', async () => {
    const m = await meeting();
    const key = 'e2e/killed.mp4';
    const first = bot(m.join_url, key);
    await first.waitForStatus('in_call_recording', IN_CALL_MS);
    const recordingAt = Date.now();
    const deadline = Date.now() + 120_000;
    while (confirmedBytes(journals(first.outDir)[0]) < PART_SIZE && Date.now() < deadline) await sleep(250);
    const before = journals(first.outDir)[0]!;
    expect(before.parts.length, 'a part confirmed before the kill').toBeGreaterThanOrEqual(1);
    await first.stop('SIGKILL');
    const killedAfterSec = (Date.now() - recordingAt) / 1000;

    // The bucket has no object yet, but holds the parts: in order, they are a playable recording of the call.
    expect(await s3.exists(key)).toBe(false);
    const atKill = journals(first.outDir)[0]!;
    const held = await s3.pendingUpload(atKill.upload_id!);
    expect(held.length).toBeGreaterThanOrEqual(confirmedBytes(atKill));
    const heldFile = join(first.outDir, 'bucket-parts.mp4');
    writeFileSync(heldFile, held.subarray(0, confirmedBytes(atKill)));
    await decodes(heldFile);
    const heldMedia = await probe(heldFile);
    expect(heldMedia.codecs).toEqual(['aac', 'h264']);
    expect(heldMedia.duration).toBeGreaterThan(2);
    expect(await toneEnergy(heldFile, ALICE.tone_hz, 1, heldMedia.duration - 0.5)).toBeGreaterThan(0.02);

    // The same output folder, a new bot: the killed run's upload is carried on (same upload id, only the parts
    // the store had not confirmed) and completed, beside the new bot's own recording.
    const segment = readFileSync(join(first.outDir, 'recording.part000.mp4'));
    const sentBefore = s3.partRequests(atKill.upload_id!).length;
    const second = bot(m.join_url, key, first.outDir);
    const resumed = (await second.waitForEvent((e) => e.event === 'recording.uploaded' && e.file === 'recording.part000.mp4', IN_CALL_MS)) as RecordingUploadedEvent;
    expect(resumed).toMatchObject({ key, size_bytes: segment.length });
    expect(await s3.getObject(key)).toEqual(segment);
    const resumedParts = s3.partRequests(atKill.upload_id!).slice(sentBefore).map((r) => r.partNumber!);
    expect(Math.min(...resumedParts)).toBe(atKill.parts.length + 1);

    await second.waitForStatus('in_call_recording', IN_CALL_MS);
    await sleep(3000);
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const manifest = JSON.parse(readFileSync(join(second.outDir, 'manifest.json'), 'utf8'));
    expect(manifest.uploads.map((u: { file: string; key: string; status: string }) => [u.file, u.key, u.status])).toEqual([
      ['recording.part000.mp4', key, 'uploaded'],
      ['recording.part001.mp4', 'e2e/killed.part001.mp4', 'uploaded'],
    ]);
    const objectFile = join(second.outDir, 'bucket-object.mp4');
    writeFileSync(objectFile, await s3.getObject(key));
    const media = await probe(objectFile);
    console.info(
      `SIGKILL ${killedAfterSec.toFixed(1)} s into the recording: ${confirmedBytes(atKill)} bytes confirmed in the bucket ` +
        `(${heldMedia.duration.toFixed(1)} s playable), ${segment.length} on disk (${media.duration.toFixed(1)} s); the resumed upload sent parts ${resumedParts.join(', ')}`,
    );
    expect(media.duration).toBeGreaterThanOrEqual(heldMedia.duration);
    expect(await toneEnergy(objectFile, ALICE.tone_hz, 1, media.duration - 1)).toBeGreaterThan(0.02);
  });
});
