import type { RecordingSpec } from '../config/botSpec.js';

/**
 * ffmpeg command lines, as pure functions of the recording spec (unit-tested without running ffmpeg).
 *
 * One ffmpeg process per recording segment captures the meeting once and writes two outputs: the recording
 * file (fragmented, so it is playable at every moment) and the realtime audio tap (raw 16 kHz mono S16LE on
 * stdout). The numbers behind the choices are in the capture report of issue 3 and capture-and-performance.md.
 */

export const TAP_SAMPLE_RATE = 16_000;
/** S16LE mono at 16 kHz. */
export const TAP_BYTES_PER_MS = (TAP_SAMPLE_RATE * 2) / 1000;
/** The sink runs at 48 kHz stereo S16 (pulse.ts); the recording keeps that rate. */
const CAPTURE_RATE = 48_000;
const CAPTURE_CHANNELS = 2;
/**
 * How much earlier the sound is placed than its capture time, in video recordings. The capture itself adds no
 * offset (both devices are stamped with the wall clock); Chromium does. Measured with capture.sync.test.ts (a
 * 60 fps flash+beep <video> grabbed at 30 fps, Chromium 156 software compositing on Xvfb), sound minus picture:
 * +26..+44 ms on an idle machine, -8..+5 ms when a starved CPU makes Chromium show frames late. 20 ms keeps
 * both within ±25 ms. Re-measure when Chromium or the compositing path changes.
 */
export const AUDIO_ADVANCE_MS = 20;
/** 20 ms of 48 kHz stereo S16: pulse hands ffmpeg audio every 20 ms, so the tap's latency stays near that. */
const PULSE_FRAGMENT_BYTES = (CAPTURE_RATE * CAPTURE_CHANNELS * 2 * 20) / 1000;

export interface CaptureInputs {
  /** ":N" to grab (video_and_audio only). */
  display: string;
  /** Pulse source (the bot sink's monitor); PULSE_SERVER comes from the environment. */
  audioSource: string;
  size: { width: number; height: number };
  /**
   * Wall-clock ms subtracted from both inputs' timestamps (the segment's launch time). Both devices stamp
   * packets with the wall clock, and keeping those stamps (-copyts) is what keeps audio and video aligned;
   * subtracting one common origin only keeps the numbers small.
   */
  timeOriginMs: number;
}

export interface CaptureOutputs {
  /** Segment file to write, or null in mode `none` (the tap only). */
  file: string | null;
}

export type RecordingContainer = 'mp4' | 'm4a' | 'mp3';

/** File extension of a recording, or null when the mode records no file. */
export function recordingContainer(spec: RecordingSpec): RecordingContainer | null {
  if (spec.mode === 'none') return null;
  if (spec.mode === 'video_and_audio') return 'mp4';
  return spec.audio_format === 'mp3' ? 'mp3' : 'm4a';
}

/** Index of a segment file name (recording.part007.mp4 → 7), or null for other names. */
export function segmentIndexOf(name: string): number | null {
  const m = name.match(/^recording\.part(\d{3,})\.(mp4|m4a|mp3)$/);
  return m ? Number(m[1]) : null;
}

/** recording.part000.mp4, recording.part001.mp4, … (null in mode `none`). */
export function segmentFileName(spec: RecordingSpec, index: number): string | null {
  const ext = recordingContainer(spec);
  return ext ? `recording.part${String(index).padStart(3, '0')}.${ext}` : null;
}

/** recording.mp4 / recording.m4a / recording.mp3 (null in mode `none`). */
export function finalFileName(spec: RecordingSpec): string | null {
  const ext = recordingContainer(spec);
  return ext ? `recording.${ext}` : null;
}

/** `-itsoffset` value that moves wall-clock timestamps to start near zero. */
function negativeSeconds(ms: number): string {
  return `-${(ms / 1000).toFixed(3)}`;
}

function videoInput(inputs: CaptureInputs, fps: number): string[] {
  const { width, height } = inputs.size;
  return [
    '-itsoffset', negativeSeconds(inputs.timeOriginMs),
    // Half a second of raw frames (3.7 MB each at 720p) if the encoder briefly falls behind the grab.
    '-thread_queue_size', '16',
    // Our own flags are the stream's parameters: no probing delay before the first frame.
    '-probesize', '32', '-analyzeduration', '0',
    '-f', 'x11grab',
    // The bot's pointer has no business in the recording.
    '-draw_mouse', '0',
    '-framerate', String(fps),
    '-video_size', `${width}x${height}`,
    // The kiosk window sits at 0,0 (the screen has one spare pixel each way, see xvfb.ts).
    '-i', `${inputs.display}+0,0`,
  ];
}

function audioInput(inputs: CaptureInputs, advanceMs: number): string[] {
  return [
    '-itsoffset', negativeSeconds(inputs.timeOriginMs + advanceMs),
    // Several seconds of 20 ms packets: the pulse reader never blocks behind a slow muxer.
    '-thread_queue_size', '1024',
    '-f', 'pulse',
    '-sample_rate', String(CAPTURE_RATE),
    '-channels', String(CAPTURE_CHANNELS),
    '-fragment_size', String(PULSE_FRAGMENT_BYTES),
    // Visible in `pactl list source-outputs` when debugging a bot.
    '-name', 'meetbot', '-stream_name', 'meeting',
    '-i', inputs.audioSource,
  ];
}

/**
 * The audio graph: one capture, split into the recording's audio and the tap.
 * aresample async: pulse delivers a backlog burst when the stream starts, whose first timestamps are up to
 * ~190 ms early (measured); padding to the timestamps puts every later sample where the wall clock says, so
 * audio lines up with the x11grab frames. min_hard_comp 20 ms: gaps that size are filled at once.
 */
function audioGraph(audioIndex: number, withRecording: boolean): string {
  const sync = `[${audioIndex}:a]aresample=async=1:min_hard_comp=0.02`;
  const tap = `aresample=${TAP_SAMPLE_RATE},aformat=sample_fmts=s16:channel_layouts=mono[tap]`;
  return withRecording ? `${sync},asplit=2[rec][tapin];[tapin]${tap}` : `${sync},${tap}`;
}

/** freezedetect's noise floor and shortest freeze: a picture that changed less than this for this long is frozen. */
export const FREEZE_NOISE_DB = -50;
export const FREEZE_MIN_SEC = 2;

/**
 * A side branch of the grab for the health report: a 64x36 copy of each frame goes through freezedetect, which
 * logs freeze_start / freeze_end (info level, read by freezeLog.ts), and ends in a nullsink. The recording
 * itself still maps the grab directly, so its path is unchanged. Measured (x11grab 1280x720 at 30 fps on Xvfb,
 * ultrafast x264, 20 s, two runs each, ffmpeg 5.1): 2.19 s CPU without the branch, 2.30-2.33 s with it, +0.6 %
 * of a core; the default bicubic scaler instead of fast_bilinear cost +1.2 s (+6 % of a core).
 */
export function freezeGraph(videoIndex: number): string {
  return `[${videoIndex}:v]scale=64:36:flags=fast_bilinear,freezedetect=n=${FREEZE_NOISE_DB}dB:d=${FREEZE_MIN_SEC},nullsink`;
}

function tapOutput(): string[] {
  return [
    '-map', '[tap]',
    '-c:a', 'pcm_s16le',
    '-f', 's16le',
    // Every 20 ms packet reaches the pipe at once, not when a 32 KB buffer fills (1 s of audio).
    '-flush_packets', '1',
    'pipe:1',
  ];
}

/** Fragmented MP4: the moov goes first and every fragment is self-contained, so a killed ffmpeg leaves a playable file. */
function fragmentedMp4(file: string): string[] {
  return [
    // Each fragment goes to disk as soon as it is complete, not when a 32 KB I/O buffer fills (measured: a
    // still picture left only the 28-byte ftyp on disk after 5 s).
    '-flush_packets', '1',
    // delay_moov: the moov is written with the first fragment, once every track's start is known. Without it
    // each track is made to start at 0 and audio, which starts later than video, moved earlier by that much
    // (measured 0.3-1.3 s).
    '-movflags', '+frag_keyframe+empty_moov+delay_moov+default_base_moof',
    // A fragment at least every second (and at every keyframe): a SIGKILL loses at most ~1 s.
    '-frag_duration', '1000000',
    '-f', 'mp4', file,
  ];
}

function audioEncoder(spec: RecordingSpec): string[] {
  if (spec.mode === 'audio_only' && spec.audio_format === 'mp3') {
    // mp3 frames stand alone: a cut file plays up to its last frame.
    return ['-c:a', 'libmp3lame', '-b:a', '128k'];
  }
  return ['-c:a', 'aac', '-b:a', '128k'];
}

/** The ffmpeg command line (after the binary) for one recording segment plus the audio tap. */
export function recordingArgs(spec: RecordingSpec, inputs: CaptureInputs, outputs: CaptureOutputs): string[] {
  const common = [
    '-hide_banner',
    // Each line prefixed with its level for the log parser. A video recording needs info: freezedetect reports
    // there (a few lines at start and end, and one per freeze, nothing per frame).
    '-loglevel', spec.mode === 'video_and_audio' && outputs.file !== null ? 'level+info' : 'level+warning',
    '-nostats',
    // Never overwrite: a segment left by an earlier run is evidence, not scratch space (and without -n/-y
    // ffmpeg would stop and ask on stdin).
    '-n',
    // Keep the devices' wall-clock timestamps: inputs open at different moments, and normalising each to zero
    // shifts audio against video by that difference (measured ~100 ms without it).
    '-copyts',
  ];
  if (spec.mode === 'none' || outputs.file === null) {
    return [...common, ...audioInput(inputs, 0), '-filter_complex', audioGraph(0, false), ...tapOutput()];
  }
  if (spec.mode === 'audio_only') {
    const container =
      spec.audio_format === 'mp3' ? ['-flush_packets', '1', '-f', 'mp3', outputs.file] : fragmentedMp4(outputs.file);
    return [
      ...common,
      ...audioInput(inputs, 0),
      '-filter_complex', audioGraph(0, true),
      '-map', '[rec]', ...audioEncoder(spec),
      '-avoid_negative_ts', 'make_zero',
      ...container,
      ...tapOutput(),
    ];
  }
  return [
    ...common,
    ...videoInput(inputs, spec.fps),
    ...audioInput(inputs, AUDIO_ADVANCE_MS),
    '-filter_complex', `${audioGraph(1, true)};${freezeGraph(0)}`,
    '-map', '0:v',
    '-c:v', 'libx264',
    // ultrafast: ~⅓ of veryfast's CPU at 720p30 (ref. 2.1); no B-frames or lookahead, so nothing waits.
    '-preset', 'ultrafast',
    '-crf', '23',
    // Plays everywhere (players reject 4:4:4 from a BGR0 grab).
    '-pix_fmt', 'yuv420p',
    // A keyframe every second: fragments (and a cut) fall on 1 s boundaries.
    '-g', String(spec.fps), '-keyint_min', String(spec.fps),
    // Frames keep the grab's own timestamps at 1/90000 s: re-timing them onto a 1/fps grid would shift the
    // picture against the sound by up to half a frame.
    '-fps_mode', 'passthrough',
    '-enc_time_base:v', '1:90000',
    '-map', '[rec]', ...audioEncoder(spec),
    // The segment starts at 0 with both streams shifted alike.
    '-avoid_negative_ts', 'make_zero',
    ...fragmentedMp4(outputs.file),
    ...tapOutput(),
  ];
}

/** Concat-demuxer list for the segments, in order (paths quoted for the demuxer). */
export function concatList(files: readonly string[]): string {
  return files.map((f) => `file '${f.replace(/'/g, "'\\''")}'\n`).join('');
}

/**
 * Joins the segments (listed in `listFile`) into one standard file without re-encoding. MP4/M4A get the moov
 * at the front (+faststart) so players and browsers start at once.
 */
export function finalizeArgs(listFile: string, out: string, container: RecordingContainer): string[] {
  return [
    '-hide_banner', '-loglevel', 'level+warning', '-nostdin',
    // Segment paths are absolute.
    '-f', 'concat', '-safe', '0',
    '-i', listFile,
    '-map', '0',
    '-c', 'copy',
    ...(container === 'mp3' ? ['-f', 'mp3'] : ['-movflags', '+faststart', '-f', 'mp4']),
    '-y', out,
  ];
}
