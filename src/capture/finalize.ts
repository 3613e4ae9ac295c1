import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../util/log.js';
import { concatList, finalizeArgs, type RecordingContainer } from './ffmpegArgs.js';
import { ffprobePathFor, probeMedia, streamsWithPackets, type MediaInfo } from './probe.js';
import { runToolOrThrow } from './runTool.js';

export interface FinalizedRecording {
  file: string;
  info: MediaInfo;
  /** Segments that went into the file. */
  segments: number;
}

/** A joined file is accepted when it holds every stream of the segments and (nearly) all of their duration. */
export function joinedFileIsComplete(parts: readonly Pick<MediaInfo, 'durationSec' | 'streamTypes'>[], joined: MediaInfo): boolean {
  const expected = parts.reduce((sum, p) => sum + p.durationSec, 0);
  return (
    parts.every((p) => p.streamTypes.every((t) => joined.streamTypes.includes(t))) &&
    // Concatenation trims a few ms of encoder priming per segment; anything beyond half a second is lost media.
    joined.durationSec >= expected - 0.5 - 0.05 * parts.length
  );
}

/** Below this, a part holds at most the file header: its ffmpeg died before writing its first fragment. */
const NO_FRAGMENT_BYTES = 4096;

async function sizeOf(file: string): Promise<number> {
  return (await stat(file).catch(() => null))?.size ?? 0;
}

/**
 * Whether the joined file holds what the segments held. The concat demuxer leaves out a stream that a segment's
 * header declares but that never got a packet, so on a missing stream the segments' packets are counted.
 */
async function holdsEverything(parts: readonly { file: string; info: MediaInfo }[], joined: MediaInfo, ffprobePath: string): Promise<boolean> {
  if (joinedFileIsComplete(parts.map((p) => p.info), joined)) return true;
  const carried = await Promise.all(parts.map(async (p) => ({ ...p.info, streamTypes: await streamsWithPackets(p.file, { ffprobePath }) })));
  return joinedFileIsComplete(carried, joined);
}

/**
 * Turns the segment files into one standard file (`outFile`): segments that cannot be read (an ffmpeg that
 * died before its first fragment) are left out, the rest are joined without re-encoding, and the parts are
 * deleted only once the joined file has been probed and holds what they held. Returns null when no segment
 * holds any media. Throws, leaving every part in place, if a part that holds data cannot be read or the joined
 * file is not complete.
 */
export async function finalizeRecording(opts: {
  parts: readonly string[];
  outFile: string;
  container: RecordingContainer;
  ffmpegPath: string;
  log: Logger;
}): Promise<FinalizedRecording | null> {
  const ffprobePath = ffprobePathFor(opts.ffmpegPath);
  const usable: { file: string; info: MediaInfo }[] = [];
  const unusable: string[] = [];
  const unreadable: string[] = [];
  for (const file of opts.parts) {
    const info = await probeMedia(file, { ffprobePath }).catch(() => null);
    if (info && info.durationSec > 0 && info.streamTypes.length > 0) usable.push({ file, info });
    else if ((await sizeOf(file)) < NO_FRAGMENT_BYTES) unusable.push(file);
    else unreadable.push(file);
  }
  // A part that holds data but shows no media to the probe (a probe that failed on a loaded machine or a full
  // disk) is never deleted or left out: every part stays as it is, reported as kept.
  if (unreadable.length) throw new Error(`recording: could not read ${unreadable.join(', ')}; the segments are kept`);
  if (unusable.length) opts.log.warn('recording: segments without media left out', { files: unusable });
  if (usable.length === 0) {
    await Promise.all(unusable.map((f) => rm(f, { force: true })));
    return null;
  }

  const listFile = join(dirname(opts.outFile), 'recording.concat.txt');
  const partial = `${opts.outFile}.partial`;
  await writeFile(listFile, concatList(usable.map((u) => u.file)));
  try {
    await runToolOrThrow({
      name: 'ffmpeg-finalize',
      command: opts.ffmpegPath,
      args: finalizeArgs(listFile, partial, opts.container),
      log: opts.log,
      timeoutMs: 10 * 60_000,
    });
    const info = await probeMedia(partial, { ffprobePath });
    if (!(await holdsEverything(usable, info, ffprobePath))) {
      throw new Error(
        `joined file holds ${info.durationSec.toFixed(2)} s (${info.streamTypes.join(',')}), segments ` +
          usable.map((u) => `${u.info.durationSec.toFixed(2)} s (${u.info.streamTypes.join(',')})`).join(' + '),
      );
    }
    await rename(partial, opts.outFile);
    await Promise.all([...usable.map((u) => u.file), ...unusable].map((f) => rm(f, { force: true })));
    return { file: opts.outFile, info, segments: usable.length };
  } catch (err) {
    await rm(partial, { force: true });
    throw new Error(`recording: could not join ${usable.length} segment(s) into ${opts.outFile}; the segments are kept: ${String(err)}`, { cause: err });
  } finally {
    await rm(listFile, { force: true });
  }
}
