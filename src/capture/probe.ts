import { stat } from 'node:fs/promises';
import { runToolOrThrow } from './runTool.js';
import type { Logger } from '../util/log.js';

export interface VideoStreamInfo {
  codec: string;
  width: number;
  height: number;
  fps: number;
  /**
   * Frames in the stream as the container's header counts them (an MP4's sample table: free to read, no pass
   * over the packets); null when the header does not say (fragmented files).
   */
  frames: number | null;
  /** The stream's first timestamp, seconds. */
  startSec: number;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number;
  channels: number;
  /** The stream's first timestamp, seconds. */
  startSec: number;
}

export interface MediaInfo {
  formatName: string;
  durationSec: number;
  sizeBytes: number;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
  /** Stream types in file order, e.g. ['video', 'audio']. */
  streamTypes: string[];
}

interface FfprobeJson {
  format?: { format_name?: string; duration?: string };
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    sample_rate?: string;
    channels?: number;
    nb_frames?: string;
    start_time?: string;
  }[];
}

/** "30/1" → 30; "0/0" → 0. */
export function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split('/').map(Number);
  if (!n || !d) return 0;
  return Math.round((n / d) * 1000) / 1000;
}

/** Pure: ffprobe's JSON (-show_format -show_streams) → MediaInfo. */
export function parseProbe(json: FfprobeJson, sizeBytes: number): MediaInfo {
  const streams = json.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  const a = streams.find((s) => s.codec_type === 'audio');
  return {
    formatName: json.format?.format_name ?? '',
    durationSec: Number(json.format?.duration ?? 0) || 0,
    sizeBytes,
    video: v
      ? {
          codec: v.codec_name ?? '',
          width: v.width ?? 0,
          height: v.height ?? 0,
          // avg_frame_rate is what a constant-rate recording shows; r_frame_rate is the fallback for fragments.
          fps: parseRate(v.avg_frame_rate) || parseRate(v.r_frame_rate),
          frames: v.nb_frames && Number(v.nb_frames) > 0 ? Number(v.nb_frames) : null,
          startSec: Number(v.start_time ?? 0) || 0,
        }
      : null,
    audio: a
      ? { codec: a.codec_name ?? '', sampleRate: Number(a.sample_rate ?? 0), channels: a.channels ?? 0, startSec: Number(a.start_time ?? 0) || 0 }
      : null,
    streamTypes: streams.map((s) => s.codec_type ?? 'unknown'),
  };
}

/** ffprobe next to the given ffmpeg (same install), else from PATH. */
export function ffprobePathFor(ffmpegPath: string): string {
  return ffmpegPath.endsWith('ffmpeg') ? `${ffmpegPath.slice(0, -'ffmpeg'.length)}ffprobe` : 'ffprobe';
}

/** Reads a media file's container, duration and first video/audio stream. Throws if ffprobe cannot read it. */
export async function probeMedia(file: string, opts: { ffprobePath?: string; log?: Logger } = {}): Promise<MediaInfo> {
  const out = await runToolOrThrow({
    name: 'ffprobe',
    command: opts.ffprobePath ?? 'ffprobe',
    args: ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    timeoutMs: 30_000,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const { size } = await stat(file);
  return parseProbe(JSON.parse(out.toString('utf8')) as FfprobeJson, size);
}

/** Pure: ffprobe's JSON (-count_packets -show_streams) → the types of the streams that hold packets, in file order. */
export function parseStreamsWithPackets(json: { streams?: { codec_type?: string; nb_read_packets?: string }[] }): string[] {
  return (json.streams ?? []).filter((s) => Number(s.nb_read_packets ?? 0) > 0).map((s) => s.codec_type ?? 'unknown');
}

/**
 * The types of the streams that hold at least one packet. A header may declare a stream that never got one
 * (a recording stopped within its first fraction of a second); reading every packet's header costs a full read
 * of the file, so this is for the rare cases that need it.
 */
export async function streamsWithPackets(file: string, opts: { ffprobePath?: string } = {}): Promise<string[]> {
  const out = await runToolOrThrow({
    name: 'ffprobe',
    command: opts.ffprobePath ?? 'ffprobe',
    args: ['-v', 'error', '-count_packets', '-print_format', 'json', '-show_entries', 'stream=codec_type,nb_read_packets', file],
    timeoutMs: 120_000,
  });
  return parseStreamsWithPackets(JSON.parse(out.toString('utf8')) as Parameters<typeof parseStreamsWithPackets>[0]);
}
