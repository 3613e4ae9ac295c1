import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finalizeRecording } from '../../src/capture/finalize.js';
import { createLogger } from '../../src/util/log.js';

// What finalising may delete: only parts known to hold no media. A part with data that cannot be read
// (here: bytes ffprobe does not understand) keeps every part where it is.

const log = createLogger({ minLevel: 'error', stderr: false, file: null });
let dir = '';

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function part(name: string, bytes: number): string {
  const file = join(dir, name);
  writeFileSync(file, Buffer.alloc(bytes, 7));
  return file;
}

const finalize = (parts: string[]) =>
  finalizeRecording({ parts, outFile: join(dir, 'recording.mp4'), container: 'mp4', ffmpegPath: '/usr/bin/ffmpeg', log });

describe('finalizeRecording', () => {
  it('drops a part whose ffmpeg died before its first fragment (no data)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'meetbot-finalize-'));
    const empty = part('recording.part000.mp4', 0);
    expect(await finalize([empty])).toBeNull();
    expect(existsSync(empty)).toBe(false);
  });

  it('keeps every part, and says so, when a part with data cannot be read', async () => {
    dir = mkdtempSync(join(tmpdir(), 'meetbot-finalize-'));
    const empty = part('recording.part000.mp4', 0);
    const unreadable = part('recording.part001.mp4', 64 * 1024);
    await expect(finalize([empty, unreadable])).rejects.toThrow(/could not read .*part001.*the segments are kept/);
    expect(existsSync(empty)).toBe(true);
    expect(existsSync(unreadable)).toBe(true);
    expect(existsSync(join(dir, 'recording.mp4'))).toBe(false);
  });

  it('joins a part whose audio stream never got a packet (stopped in its first fraction of a second)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'meetbot-finalize-'));
    // A WAV without samples: the part's header declares an AAC track that holds nothing.
    const silence = join(dir, 'empty.wav');
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(1, 22); // mono
    header.writeUInt32LE(48_000, 24);
    header.writeUInt32LE(96_000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36);
    writeFileSync(silence, header);
    const short = join(dir, 'recording.part000.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=r=25:s=320x240:d=0.3', '-i', silence, '-c:v', 'libx264', '-c:a', 'aac',
      '-movflags', '+frag_keyframe+empty_moov+delay_moov+default_base_moof', '-f', 'mp4', short]);
    const done = await finalize([short]);
    expect(done?.info.streamTypes).toEqual(['video']);
    expect(done?.info.durationSec).toBeGreaterThan(0.2);
    expect(existsSync(short)).toBe(false);
  });
});
