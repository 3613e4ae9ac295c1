import { readdir } from 'node:fs/promises';
import type { RecordingSpec } from '../config/botSpec.js';
import { FRAME_MS, type AudioFrame } from '../capture/audioTap.js';
import { segmentIndexOf } from '../capture/ffmpegArgs.js';
import type { MediaEnvironment } from '../capture/mediaEnvironment.js';
import { Recorder, type RecordingGap, type RecordingResult, type SegmentFile } from '../capture/recorder.js';
import { nowIso } from '../events/botEvents.js';
import type { EventLog } from '../events/eventLog.js';
import type { Logger } from '../util/log.js';
import type { HealthAssessment, MotionTimeline } from '../outputs/recordingHealth.js';
import { SilenceMeter } from './silenceMeter.js';
import type { OutputGuard } from './outputGuard.js';
import { assessBotRecording, recordingOutcomeEvent } from './recordingAssessment.js';
import type { SegmentUploads } from './segmentUploads.js';

export interface BotRecordingOptions {
  recording: RecordingSpec;
  outDir: string;
  ffmpegPath: string;
  log: Logger;
  events: EventLog;
  guard: OutputGuard;
  /** The recorder gave up and the output folder is fine: the bot ends `recording_failed`. */
  onFailure: (reason: string) => void;
  onAudio: (frame: AudioFrame) => void;
  /** Each segment into the body's bucket as it is recorded; null when the body asks for no external storage. */
  uploads: SegmentUploads | null;
}

/**
 * The bot's side of the recorder: gaps become `recording.gap` events, each segment is uploaded while it is
 * recorded when the body asks, and a recorder that gives up is handed to the bot as `recording_failed` only
 * once the output guard has looked (ffmpeg dies of a full disk or a lost folder like of anything else, and
 * those have their own sub_codes). The tap's silence is measured as it comes, and once stopped the recording's
 * health is assessed and reported (`recording.done` / `recording.failed`). stop() is idempotent and includes
 * the uploads' bounded wait; when the segments cannot be joined into one file it names the ones kept.
 */
export class BotRecording {
  private recorder: Recorder | null = null;
  private stopping: Promise<void> | null = null;
  private readonly silence = new SilenceMeter();
  private motion: (originMs: number) => MotionTimeline = () => null;
  /** Why the recorder gave up, once it has. */
  private failure: string | null = null;
  result: RecordingResult | null = null;
  /** Segment files left in the output folder because they could not be joined (e.g. no room for the copy). */
  keptSegments: string[] = [];
  /** The health report once stopped; null in mode `none` (no file by design) or when the segments were kept. */
  assessment: HealthAssessment | null = null;

  constructor(private readonly o: BotRecordingOptions) {}

  async start(media: MediaEnvironment): Promise<void> {
    const recorder = new Recorder({ recording: this.o.recording, media, outDir: this.o.outDir, ffmpegPath: this.o.ffmpegPath, log: this.o.log });
    this.recorder = recorder;
    recorder.on('gap', (gap: RecordingGap) => {
      this.o.events.emit({ event: 'recording.gap', created_at: nowIso(), ...gap });
      void this.o.guard.check();
    });
    recorder.on('error', (err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      void this.o.guard.check().then((fault) => {
        if (fault) return;
        this.failure = reason;
        this.o.onFailure(reason);
      });
    });
    recorder.audio.on('frame', (frame: AudioFrame) => {
      this.silence.add(frame.capturedAt.getTime(), FRAME_MS, frame.level.peak);
      this.o.onAudio(frame);
    });
    const uploads = this.o.uploads;
    if (uploads) {
      recorder.on('segment', (s: SegmentFile) => s.file && uploads.started(s.file, s.index));
      recorder.on('closed', (s: SegmentFile) => s.file && uploads.closed(s.file));
    }
    await recorder.start();
  }

  /**
   * When the meeting's own video was moving (the recording stage reports it), asked at stop() in seconds from
   * the recording's start. Without it, only a picture that never changed is frozen.
   */
  noteMotion(timeline: (originMs: number) => MotionTimeline): void {
    this.motion = timeline;
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (!this.recorder) return;
    const stoppedAtMs = Date.now();
    try {
      this.result = await this.recorder.stop();
    } catch (err) {
      this.keptSegments = (await readdir(this.o.outDir).catch(() => [] as string[])).filter((f) => segmentIndexOf(f) !== null).sort();
      this.o.log.error('could not finalise the recording; the segments are kept', { error: String(err), segments: this.keptSegments });
    }
    await this.o.uploads?.finish();
    if (this.o.recording.mode === 'none') return;
    if (this.result) {
      const originMs = this.recorder.audio.originMs ?? stoppedAtMs;
      this.assessment = assessBotRecording({
        spec: this.o.recording,
        result: this.result,
        originMs,
        stoppedAtMs,
        silence: this.silence,
        events: this.o.events.events,
        motion: this.motion(originMs),
      });
    }
    this.o.events.emit(recordingOutcomeEvent(this.result, this.assessment, this.failure, this.keptSegments));
  }
}
