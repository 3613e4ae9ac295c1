import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the bot's fake microphone and camera play. Chromium's own fake devices beep and show a moving test
 * pattern; a meeting that would not let the bot turn its microphone or camera off (a toggle that never flips,
 * Attendee's retries) must still get nothing from it: silence and black, looped by Chromium.
 */
export interface FakeMediaFiles {
  audio: string;
  video: string;
}

/** 16-bit mono PCM WAV of `ms` of silence at 48 kHz. */
export function silentWav(ms: number): Buffer {
  const rate = 48_000;
  const data = Math.round((rate * ms) / 1000) * 2;
  const wav = Buffer.alloc(44 + data);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + data, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(data, 40);
  return wav;
}

/** One black 4:2:0 frame as a Y4M file (Chromium's fake capture loops it). */
export function blackY4m(width: number, height: number): Buffer {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F15:1 Ip A1:1 C420jpeg\nFRAME\n`, 'ascii');
  const luma = Buffer.alloc(width * height, 16);
  const chroma = Buffer.alloc(2 * (width / 2) * (height / 2), 128);
  return Buffer.concat([header, luma, chroma]);
}

export async function writeFakeMedia(dir: string): Promise<FakeMediaFiles> {
  const files = { audio: join(dir, 'fake-microphone.wav'), video: join(dir, 'fake-camera.y4m') };
  await writeFile(files.audio, silentWav(1000));
  await writeFile(files.video, blackY4m(320, 240));
  return files;
}
