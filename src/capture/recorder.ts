import { EventEmitter } from 'node:events';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingSpec } from '../config/botSpec.js';
import { describeExit, type ExitReason } from '../process/exitReason.js';
import { StartError, SupervisedProcess } from '../process/supervisor.js';
import { sleep, withTimeout } from '../util/async.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { AudioTap } from './audioTap.js';
import { finalFileName, recordingArgs, recordingContainer, segmentFileName, segmentIndexOf } from './ffmpegArgs.js';
import { finalizeRecording } from './finalize.js';
import { SegmentFreezes, type FreezeSpan } from './freezeLog.js';
import type { MediaEnvironment } from './mediaEnvironment.js';
import type { AudioStreamInfo, VideoStreamInfo } from './probe.js';

/** How long ffmpeg gets to connect its capture stream before the sink's clock restart is skipped. */
const CAPTURE_CONNECT_MS = 3000;

export interface RecordingGap {
  startedAt: string;
  endedAt: string;
  durationMs: number;
  reason: string;
}

/** A segment in the recorder's 'segment' and 'closed' events; `file` is null in mode `none`. */
export interface SegmentFile {
  file: string | null;
  index: number;
}

export interface RecordingResult {
  file: string | null;
  durationSec: number;
  sizeBytes: number;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
  gaps: RecordingGap[];
  segments: number;
  /** Stretches in which the recorded picture did not change (freezedetect), in every segment; empty without video. */
  freezes: FreezeSpan[];
}

export interface RecorderOptions {
  recording: RecordingSpec;
  media: MediaEnvironment;
  outDir: string;
  ffmpegPath: string;
  log: Logger;
  clock?: Clock;
  /** Consecutive ffmpeg restarts allowed after unexpected exits before the recorder gives up (default 5). */
  restartLimit?: number;
  /**
   * A segment that recorded this long was healthy: its death starts a fresh restart budget, so a few crashes
   * spread over a long meeting never end the recording (default 60 s).
   */
  healthySegmentMs?: number;
  /** Time allowed for a segment's first output (default 15 s). */
  startTimeoutMs?: number;
  /** No tap audio for this long means ffmpeg is stuck: it is killed and restarted (default 5 s). */
  stallTimeoutMs?: number;
}

interface Segment {
  index: number;
  file: string | null;
  proc: SupervisedProcess;
  lastOutputMs: number;
  /** Set when meetbot ends this ffmpeg on purpose (stop), so its exit is not a gap. */
  expected: boolean;
  /** Set when the watchdog killed it. */
  stalled: boolean;
  /** Set once it produced output; an ffmpeg that never did is a failed start, not a gap. */
  started: boolean;
  /** Monotonic start time, to tell a healthy segment from a failing one. */
  createdMs: number;
  freezes: SegmentFreezes;
}

type State = 'idle' | 'recording' | 'restarting' | 'failed' | 'stopping' | 'stopped';

/**
 * Records the meeting: one ffmpeg per segment writes a fragmented file and the audio tap. If ffmpeg dies or
 * stalls mid-recording, the next segment starts at once and the hole is reported as a 'gap'; stop() joins
 * the segments into one standard file. Events: 'gap' (RecordingGap), 'segment' (SegmentFile: recording),
 * 'closed' (SegmentFile: its ffmpeg ended, the file is final), 'error'.
 */
export class Recorder extends EventEmitter {
  readonly audio = new AudioTap();
  private readonly opts: RecorderOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly segments: Segment[] = [];
  private readonly gaps: RecordingGap[] = [];
  private state: State = 'idle';
  private restarts = 0;
  /** Segments left in outDir by an earlier run are kept: numbering continues after them. */
  private firstIndex = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private restarting: Promise<void> | null = null;
  private stopped: Promise<RecordingResult> | null = null;

  constructor(opts: RecorderOptions) {
    super();
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log.child('recorder');
  }

  /** Resolves once ffmpeg produces output: tap audio is flowing (and the segment file is created). */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`recorder: start() called while ${this.state}`);
    await mkdir(this.opts.outDir, { recursive: true });
    const existing = (await readdir(this.opts.outDir)).map(segmentIndexOf).filter((i): i is number => i !== null);
    this.firstIndex = existing.length ? Math.max(...existing) + 1 : 0;
    this.state = 'recording';
    try {
      await this.startSegment();
    } catch (err) {
      this.state = 'failed';
      throw err;
    }
    const stallMs = this.opts.stallTimeoutMs ?? 5000;
    this.watchdog = setInterval(() => this.checkStall(stallMs), Math.min(1000, stallMs / 2));
  }

  /** Ends ffmpeg gracefully ("q", then SIGINT, then SIGKILL) and joins the segments. Idempotent. */
  stop(): Promise<RecordingResult> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<RecordingResult> {
    const wasRecording = this.state !== 'idle';
    this.state = 'stopping';
    if (this.watchdog) clearInterval(this.watchdog);
    await this.restarting;
    const current = this.segments.at(-1);
    if (current?.proc.running) await this.quit(current);
    this.state = 'stopped';
    const tapSec = this.audio.durationMs / 1000;
    const freezes = this.segments.flatMap((s) => s.freezes.close(this.wallTimeOf(s.lastOutputMs)));
    const empty: RecordingResult = { file: null, durationSec: tapSec, sizeBytes: 0, video: null, audio: null, gaps: [...this.gaps], segments: 0, freezes };
    const container = recordingContainer(this.opts.recording);
    const name = finalFileName(this.opts.recording);
    if (!wasRecording || !container || !name) return empty;
    const parts = this.segments.map((s) => s.file).filter((f): f is string => f !== null);
    const finalized = await finalizeRecording({
      parts,
      outFile: join(this.opts.outDir, name),
      container,
      ffmpegPath: this.opts.ffmpegPath,
      log: this.log,
    });
    if (!finalized) return empty;
    const { info } = finalized;
    this.log.info('recorder: recording finalised', { file: finalized.file, durationSec: info.durationSec, segments: finalized.segments });
    return {
      file: finalized.file,
      durationSec: info.durationSec,
      sizeBytes: info.sizeBytes,
      video: info.video ? { ...info.video, fps: Math.round(info.video.fps * 100) / 100 } : null,
      audio: info.audio,
      gaps: [...this.gaps],
      segments: finalized.segments,
      freezes,
    };
  }

  /** The wall-clock time of a monotonic one (segments keep monotonic times: the wall clock can jump). */
  private wallTimeOf(monotonicMs: number): number {
    return this.clock.now().getTime() - (this.clock.monotonicMs() - monotonicMs);
  }

  private async quit(seg: Segment): Promise<void> {
    seg.expected = true;
    seg.proc.markStopping('recording stopped');
    // "q" lets ffmpeg flush the encoders and write the last fragment; SIGINT does the same if stdin is stuck.
    seg.proc.child.stdin?.end('q');
    let timer: NodeJS.Timeout | undefined;
    const quitInTime = await Promise.race([
      seg.proc.exited.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 10_000))),
    ]);
    clearTimeout(timer);
    if (!quitInTime) await seg.proc.stop('did not quit on q', 'SIGINT', 5000);
    this.log.debug('recorder: ffmpeg ended', { index: seg.index, exit: seg.proc.exitReason });
  }

  private async startSegment(): Promise<Segment> {
    const index = this.firstIndex + this.segments.length;
    const fileName = segmentFileName(this.opts.recording, index);
    const file = fileName ? join(this.opts.outDir, fileName) : null;
    const timeOriginMs = this.clock.now().getTime();
    const args = recordingArgs(
      this.opts.recording,
      { display: this.opts.media.display, audioSource: this.opts.media.audioSource, size: this.opts.media.size, timeOriginMs },
      { file },
    );
    const proc = SupervisedProcess.start({
      name: 'ffmpeg',
      command: this.opts.ffmpegPath,
      args,
      env: this.opts.media.env,
      rawStdout: true,
      stdin: true,
      logger: this.log,
    });
    const now = this.clock.monotonicMs();
    const seg: Segment = { index, file, proc, lastOutputMs: now, expected: false, stalled: false, started: false, createdMs: now, freezes: new SegmentFreezes(timeOriginMs) };
    this.segments.push(seg);
    proc.onLine((line) => {
      // -loglevel level+… tags each line; errors are worth a warning in the bot log, the rest (freezes too) debug.
      seg.freezes.see(line);
      if (/\[(error|fatal|panic)\]/.test(line)) this.log.warn(`ffmpeg: ${line}`, { index });
      else this.log.debug(`ffmpeg: ${line}`, { index });
    });
    // No 'error' listener on stdin would make an EPIPE (ffmpeg already gone) crash the bot.
    proc.child.stdin?.on('error', () => {});

    let audioFlowing = false;
    const firstAudio = new Promise<void>((resolve) => {
      proc.child.stdout?.once('data', () => {
        audioFlowing = true;
        resolve();
      });
    });
    this.opts.media
      .applyCaptureLatency(CAPTURE_CONNECT_MS, () => audioFlowing)
      .then((applied) => this.log.debug('recorder: sink clock restarted for the capture', { index, applied }))
      .catch((err: unknown) => this.log.warn('recorder: could not restart the sink clock', { index, error: String(err) }));
    this.audio.beginSegment();
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      seg.lastOutputMs = this.clock.monotonicMs();
      this.audio.push(chunk, this.clock.now().getTime());
    });
    void proc.exited.then((exit) => this.onExit(seg, exit));
    void proc.exited.then(() => seg.started && this.emit('closed', { file, index } satisfies SegmentFile));
    const timeoutMs = this.opts.startTimeoutMs ?? 15_000;
    try {
      const endedEarly = proc.exited.then((r) => Promise.reject(new StartError(proc, `ended before producing output (${describeExit(r)})`)));
      await withTimeout(
        Promise.race([Promise.all([firstAudio, file ? waitForFile(file, proc) : null]), endedEarly]),
        timeoutMs,
        () => new StartError(proc, `no output within ${timeoutMs} ms`),
      );
    } catch (err) {
      seg.expected = true;
      await proc.stop('no output', 'SIGKILL', 1000);
      throw err;
    }
    seg.started = true;
    this.log.info('recorder: segment recording', { index, file, pid: proc.pid, startMs: this.clock.now().getTime() - timeOriginMs });
    this.emit('segment', { file, index } satisfies SegmentFile);
    return seg;
  }

  private checkStall(stallMs: number): void {
    const seg = this.segments.at(-1);
    if (this.state !== 'recording' || !seg || !seg.proc.running || seg.stalled) return;
    if (this.clock.monotonicMs() - seg.lastOutputMs < stallMs) return;
    seg.stalled = true;
    this.log.warn('recorder: ffmpeg produced no audio; restarting it', { index: seg.index, stallMs });
    void seg.proc.stop(`stalled: no output for ${stallMs} ms`, 'SIGKILL', 0);
  }

  private onExit(seg: Segment, exit: ExitReason): void {
    if (seg.expected || !seg.started || this.state !== 'recording' || seg !== this.segments.at(-1)) return;
    const reason = seg.stalled ? 'ffmpeg stalled (no output) and was killed' : `ffmpeg ${describeExit(exit)}`;
    const lastOutputWall = this.wallTimeOf(seg.lastOutputMs);
    this.log.warn('recorder: ffmpeg ended unexpectedly; starting the next segment', {
      index: seg.index,
      exit,
      recent: seg.proc.recentOutput().slice(-5),
    });
    if (this.clock.monotonicMs() - seg.createdMs >= (this.opts.healthySegmentMs ?? 60_000)) this.restarts = 0;
    this.state = 'restarting';
    this.restarting = this.restart(reason, lastOutputWall).finally(() => {
      this.restarting = null;
    });
  }

  private async restart(reason: string, gapStartMs: number): Promise<void> {
    const limit = this.opts.restartLimit ?? 5;
    while (this.restarts < limit && this.state === 'restarting') {
      this.restarts++;
      let seg: Segment;
      try {
        seg = await this.startSegment();
      } catch (err) {
        this.log.warn('recorder: restart failed', { attempt: this.restarts, error: String(err) });
        await sleep(500);
        continue;
      }
      const endedMs = this.clock.now().getTime();
      const gap: RecordingGap = {
        startedAt: new Date(gapStartMs).toISOString(),
        endedAt: new Date(endedMs).toISOString(),
        durationMs: Math.max(0, endedMs - gapStartMs),
        reason,
      };
      this.gaps.push(gap);
      this.emit('gap', gap);
      if (this.state !== 'restarting') return;
      this.state = 'recording';
      // It may have died while we were busy above; its exit was ignored then.
      if (seg.proc.exitReason) this.onExit(seg, seg.proc.exitReason);
      return;
    }
    if (this.state !== 'restarting') return;
    this.state = 'failed';
    this.emit('error', new Error(`recorder: ffmpeg failed ${this.restarts} times; recording ended (${reason})`));
  }
}

/**
 * Resolves when ffmpeg has created the segment file (its outputs are open and writable). The first fragment,
 * with the moov, follows about a second later (delay_moov waits for every track's first packet).
 */
async function waitForFile(file: string, proc: SupervisedProcess): Promise<void> {
  while (proc.running) {
    if (await stat(file).then(() => true, () => false)) return;
    await sleep(50);
  }
}
