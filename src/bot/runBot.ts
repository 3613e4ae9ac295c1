import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import type { BotSpec } from '../config/botSpec.js';
import type { StatusCode, SubCode } from '../lifecycle/codes.js';
import { BotLifecycle, type StatusEvent } from '../lifecycle/machine.js';
import { EventLog } from '../events/eventLog.js';
import { createLogger, type Logger } from '../util/log.js';
import { systemClock } from '../util/clock.js';
import type { AdapterContext, EndOutcome, MeetingSnapshot, PlatformAdapter } from '../platform/adapter.js';
import { JoinStepError } from '../platform/adapter.js';
import { withTimeout } from '../platform/page.js';
import { adapterFor } from '../platform/registry.js';
import { startMediaEnvironment, type MediaEnvironment } from '../capture/mediaEnvironment.js';
import { launchBrowser, type LaunchedBrowser } from '../browser/launch.js';
import { Recorder, type RecordingResult } from '../capture/recorder.js';
import { FRAME_MS } from '../capture/audioTap.js';
import { LeaveRuleEngine } from '../rules/leaveRuleEngine.js';
import { describeExit } from '../process/exitReason.js';
import { saveFailureEvidence } from './evidence.js';
import { splitChatMessage } from './chatSplit.js';
import { MeetingTracker } from './meetingTracker.js';
import { BotOutputs } from './outputs.js';
import { osKeyPresser } from './osInput.js';
import type { RuntimeOptions } from './runtimeOptions.js';

export interface BotOutcome {
  exitCode: 0 | 1;
  final: StatusEvent;
}

/** Why the bot is ending: a normal end (call_ended → done) or a failure (fatal). */
interface EndDecision {
  outcome: EndOutcome;
  detail: Record<string, unknown>;
  /** The bot is still in the meeting and must leave it first. */
  mustLeave: boolean;
}

const MAINTAIN_EVERY_MS = 2000;
const LEAVE_TIMEOUT_MS = 5000;

/**
 * Runs one bot from `joining_call` to `done` or `fatal`. Owns every resource it starts and releases all of
 * them on every way out. `signal` is the operator's stop (SIGTERM): the bot leaves, finalises its recording
 * and reports `call_ended` / `done` with `bot_received_leave_call`.
 */
export async function runBot(spec: BotSpec, opts: RuntimeOptions, signal: AbortSignal): Promise<BotOutcome> {
  return new BotRun(spec, opts).run(signal);
}

class BotRun {
  private readonly lifecycle = new BotLifecycle(systemClock);
  private readonly events: EventLog;
  private readonly log: Logger;
  private readonly adapter: PlatformAdapter;
  private readonly tracker = new MeetingTracker();
  private readonly rules: LeaveRuleEngine;
  private readonly outputs: BotOutputs;
  private readonly abort = new AbortController();
  private readonly redact: string[];
  private workDir: string | null = null;
  private media: MediaEnvironment | null = null;
  private browser: LaunchedBrowser | null = null;
  private recorder: Recorder | null = null;
  private recording: RecordingResult | null = null;
  private pendingEnd: EndDecision | null = null;
  private readonly timings: Record<string, number> = {};

  constructor(
    private readonly spec: BotSpec,
    private readonly opts: RuntimeOptions,
  ) {
    this.redact = [spec.meeting.password ?? '', opts.webhookSecret ?? ''].filter((s) => s.length > 0);
    this.log = createLogger({ minLevel: opts.logLevel, stderr: true, file: join(opts.outDir, 'bot.log'), redact: this.redact });
    this.events = new EventLog({ stdout: opts.eventsToStdout, redact: this.redact });
    this.lifecycle.onTransition((e) => this.events.emit(e));
    this.adapter = adapterFor(spec.meeting.platform);
    this.rules = new LeaveRuleEngine(spec.automatic_leave, systemClock);
    this.lifecycle.onTransition((e) => this.rules.onStatus(e.code));
    this.outputs = new BotOutputs(spec, opts, this.events, this.log.child('outputs'));
  }

  async run(signal: AbortSignal): Promise<BotOutcome> {
    const onStop = () => this.requestEnd({ status: 'call_ended', sub_code: 'bot_received_leave_call' }, { reason: 'stop signal' });
    signal.addEventListener('abort', onStop, { once: true });
    if (signal.aborted) onStop();
    try {
      await mkdir(this.opts.outDir, { recursive: true });
      this.events.attachFile(join(this.opts.outDir, 'events.jsonl'));
      this.outputs.start();
      this.reportUnsupported();
      this.lifecycle.transition('joining_call');
      await this.launch();
      const ctx = this.adapterContext();
      if (!this.pendingEnd) {
        // A stop or crash during the join aborts the adapter; that end, not the aborted step, is the outcome.
        await this.timed('join_steps_ms', this.adapter.join(ctx)).catch((err: unknown) => {
          if (!this.pendingEnd) throw err;
        });
      }
      const end = this.pendingEnd ?? (await this.superviseMeeting(ctx));
      await this.finish(end);
    } catch (err) {
      await this.fail(err);
    } finally {
      signal.removeEventListener('abort', onStop);
      await this.teardown();
    }
    const final = this.lifecycle.events.at(-1)!;
    return { exitCode: final.code === 'done' ? 0 : 1, final };
  }

  private reportUnsupported(): void {
    if (this.spec.unsupported.length === 0) return;
    this.events.emit({
      event: 'bot.warning',
      created_at: new Date().toISOString(),
      kind: 'unsupported_fields',
      message: 'these fields were accepted but meetbot does not act on them',
      fields: this.spec.unsupported,
    });
  }

  private async launch(): Promise<void> {
    this.workDir = await mkdtemp(join(tmpdir(), `meetbot-${this.opts.botId.slice(0, 8)}-`));
    const log = this.log.child('capture');
    this.media = await this.timed(
      'media_environment_ms',
      startMediaEnvironment({
        recording: this.spec.recording,
        workDir: this.workDir,
        log,
        ...(this.opts.headful && process.env.DISPLAY ? { visibleDisplay: process.env.DISPLAY } : {}),
      }),
    );
    this.browser = await this.timed(
      'browser_launch_ms',
      launchBrowser({
        media: this.media,
        recording: this.spec.recording,
        chromiumPath: this.opts.chromiumPath,
        userDataDir: join(this.workDir, 'chromium-profile'),
        log: this.log.child('browser'),
        allowLoopback: this.opts.allowLoopback,
        // Headful or headless follows the media environment: a display exists only when video is filmed
        // (or, with --headful, the user's own display is used).
      }),
    );
    const { page, process: chromium } = this.browser;
    page.on('crash', () => this.requestEnd({ status: 'fatal', sub_code: 'browser_crashed' }, { reason: 'the page crashed' }));
    void chromium.exited.then((r) => {
      if (!this.lifecycle.isTerminal) {
        this.requestEnd({ status: 'fatal', sub_code: 'browser_crashed' }, { reason: `chromium ${describeExit(r)}` });
      }
    });
  }

  private adapterContext(): AdapterContext {
    return {
      page: this.browser!.page,
      meeting: this.spec.meeting,
      botName: this.spec.bot_name,
      log: this.log.child(this.spec.meeting.platform),
      stepTimeoutMs: this.opts.stepTimeoutMs,
      signal: this.abort.signal,
      osKey: osKeyPresser(this.media?.display ?? null),
    };
  }

  /** Records an end that happened outside the poll loop (signal, crash); the loop acts on it next tick. */
  private requestEnd(outcome: EndOutcome, detail: Record<string, unknown>): void {
    if (this.pendingEnd || this.lifecycle.isTerminal) return;
    const code: StatusCode = this.lifecycle.code;
    this.pendingEnd = { outcome, detail, mustLeave: code !== 'ready' };
    this.abort.abort();
  }

  /** Polls the page until the meeting is over for the bot, and acts on everything it sees meanwhile. */
  private async superviseMeeting(ctx: AdapterContext): Promise<EndDecision> {
    const startedAt = Date.now();
    let lastMaintain = 0;
    let lastProgress = Date.now();
    for (;;) {
      if (this.pendingEnd) return this.pendingEnd;
      let snap: MeetingSnapshot | null = null;
      try {
        snap = await this.adapter.probe(ctx);
        lastProgress = Date.now();
      } catch (err) {
        this.log.warn('could not read the page', { error: String(err) });
        if (Date.now() - lastProgress > this.opts.watchdogSec * 1000) {
          return this.endDecision({ status: 'fatal', sub_code: 'page_unresponsive' }, { seconds: this.opts.watchdogSec });
        }
      }
      if (this.pendingEnd) return this.pendingEnd;
      if (snap) {
        const end = await this.applySnapshot(ctx, snap);
        if (end) return end;
      }
      if (Date.now() - lastMaintain > MAINTAIN_EVERY_MS) {
        lastMaintain = Date.now();
        await this.adapter.maintain(ctx).catch((err: unknown) => this.log.debug('maintain failed', { error: String(err) }));
      }
      const decision = this.rules.evaluate();
      if (decision) {
        // A rule fires only while the meeting holds the bot (waiting for the host, in the lobby or in the
        // call), so it always leaves, fatal (meeting_not_started) or not.
        const outcome = { status: decision.status, sub_code: decision.sub_code } as EndOutcome;
        return { outcome, detail: { rule: decision.rule, ...decision.figures }, mustLeave: true };
      }
      if (Date.now() - startedAt > this.opts.maxRuntimeSec * 1000) {
        return this.endDecision({ status: 'fatal', sub_code: 'global_runtime_exceeded' }, { seconds: this.opts.maxRuntimeSec });
      }
      await new Promise((r) => setTimeout(r, this.opts.pollIntervalMs));
    }
  }

  private endDecision(outcome: EndOutcome, detail: Record<string, unknown>): EndDecision {
    const inMeeting = this.lifecycle.code !== 'joining_call' || outcome.status === 'call_ended';
    return { outcome, detail, mustLeave: inMeeting };
  }

  /** Moves the lifecycle to what the page shows; returns an end decision when the meeting is over. */
  private async applySnapshot(ctx: AdapterContext, snap: MeetingSnapshot): Promise<EndDecision | null> {
    const { state } = snap;
    this.rules.onWaitingForHost(state.phase === 'waiting_for_host');
    switch (state.phase) {
      case 'ended':
        return { outcome: state.outcome, detail: { text: state.text }, mustLeave: false };
      case 'waiting_room':
        if (this.lifecycle.code === 'joining_call') this.lifecycle.transition('in_waiting_room');
        return null;
      case 'waiting_for_host':
        if (this.lifecycle.code === 'joining_call' && !this.timings.waiting_for_host_reported) {
          this.timings.waiting_for_host_reported = 1;
          this.events.emit({ event: 'bot.waiting_for_host', created_at: new Date().toISOString() });
        }
        return null;
      case 'in_call':
        if (this.lifecycle.code === 'joining_call' || this.lifecycle.code === 'in_waiting_room') await this.onAdmitted(ctx);
        this.trackMeeting(snap);
        return null;
      default:
        return null;
    }
  }

  private async onAdmitted(ctx: AdapterContext): Promise<void> {
    this.mark('admitted_ms');
    this.lifecycle.transition('in_call_not_recording');
    await this.adapter.afterAdmitted(ctx).catch((err: unknown) => this.log.warn('after-admission steps failed', { error: String(err) }));
    await this.startRecorder();
    if (this.spec.chat.on_bot_join) await this.sendChat(ctx, this.spec.chat.on_bot_join.message);
  }

  private async startRecorder(): Promise<void> {
    const recorder = new Recorder({
      recording: this.spec.recording,
      media: this.media!,
      outDir: this.opts.outDir,
      ffmpegPath: this.opts.ffmpegPath,
      log: this.log.child('ffmpeg'),
    });
    this.recorder = recorder;
    recorder.on('gap', (gap: Record<string, unknown>) => this.events.emit({ event: 'recording.gap', created_at: new Date().toISOString(), ...gap }));
    recorder.on('error', (err: unknown) =>
      this.requestEnd({ status: 'fatal', sub_code: 'recording_failed' }, { reason: err instanceof Error ? err.message : String(err) }),
    );
    recorder.audio.on('frame', (frame) => {
      this.rules.onAudioLevel(frame.level, FRAME_MS);
      this.outputs.audio(frame);
    });
    await recorder.start();
    this.outputs.recordingStarted();
    this.mark('recording_started_ms');
    if (this.spec.recording.mode !== 'none') this.lifecycle.transition('in_call_recording', 'recording_started');
  }

  private trackMeeting(snap: MeetingSnapshot): void {
    for (const change of this.tracker.updateParticipants(snap.participants)) this.outputs.participant(change);
    if (snap.participants) {
      this.rules.onParticipants(this.tracker.others.map(({ id, name }) => ({ id, name })));
      // bot_detection.using_participant_events: someone the page shows speaking is a person.
      for (const p of this.tracker.others) if (p.speaking) this.rules.onParticipantActivity(p.id, 'speech');
    }
    for (const msg of this.tracker.newChatMessages(snap.chat)) this.outputs.chatSeen(msg);
  }

  private async sendChat(ctx: AdapterContext, message: string): Promise<void> {
    for (const part of splitChatMessage(message, this.adapter.chatLimit)) {
      try {
        await withTimeout(this.adapter.sendChat(ctx, part), this.opts.stepTimeoutMs * 2, 'send the chat message');
        this.outputs.chatSent(part);
      } catch (err) {
        this.events.emit({ event: 'bot.warning', created_at: new Date().toISOString(), kind: 'chat_not_sent', message: String(err) });
        return;
      }
    }
  }

  private async leaveMeeting(): Promise<void> {
    if (!this.browser?.process.running) return;
    const ctx = { ...this.adapterContext(), signal: new AbortController().signal };
    // Before the knock there is no Leave control yet: navigating away is the whole of leaving.
    if (this.lifecycle.code === 'joining_call') {
      await withTimeout(ctx.page.goto('about:blank', { timeout: 3000 }), 4000, 'navigate away').catch(() => undefined);
      return;
    }
    try {
      await withTimeout(this.adapter.leave(ctx), LEAVE_TIMEOUT_MS, 'leave the meeting');
    } catch (err) {
      // Navigating away always ends the WebRTC session, whatever the platform's UI did.
      this.log.warn('leave control failed; leaving by navigation', { error: String(err) });
      await withTimeout(ctx.page.goto('about:blank', { timeout: 3000 }), 4000, 'navigate away').catch(() => undefined);
    }
  }

  private async finish(end: EndDecision): Promise<void> {
    if (end.outcome.status === 'fatal') return this.fail(new EndedFatally(end));
    if (end.mustLeave) await this.leaveMeeting();
    this.lifecycle.transition('call_ended', end.outcome.sub_code, end.detail);
    await this.stopRecorder();
    this.lifecycle.transition('done');
    await this.finalizeOutputs(0);
  }

  private async finalizeOutputs(exitCode: number): Promise<void> {
    const chromium = this.browser?.browser.version();
    await this.outputs.finalize(this.lifecycle.events, this.recording, exitCode, {
      timings_ms: this.timings,
      versions: chromium ? { chromium } : {},
    });
  }

  private async fail(err: unknown): Promise<void> {
    if (this.lifecycle.isTerminal) return;
    const end = err instanceof EndedFatally ? err.end : null;
    const sub_code: SubCode = end ? end.outcome.sub_code : err instanceof JoinStepError ? err.sub_code : 'bot_errored';
    const detail: Record<string, unknown> = end
      ? end.detail
      : { message: err instanceof Error ? err.message : String(err), ...(err instanceof JoinStepError ? { step: err.step } : {}) };
    if (!end || sub_code !== 'browser_crashed') {
      const dir = await saveFailureEvidence(this.browser?.page ?? null, this.opts.outDir, end ? new Error(JSON.stringify(end.detail)) : err, this.redact).catch(() => null);
      if (dir) detail.evidence = dir;
    }
    if (!end) this.log.error('bot failed', detail);
    if (this.isInMeeting() || end?.mustLeave) await this.leaveMeeting();
    await this.stopRecorder();
    this.lifecycle.transition('fatal', sub_code, detail);
    await this.finalizeOutputs(1);
  }

  private isInMeeting(): boolean {
    const c: StatusCode = this.lifecycle.code;
    return c === 'in_waiting_room' || c === 'in_call_not_recording' || c === 'in_call_recording';
  }

  private async stopRecorder(): Promise<void> {
    const recorder = this.recorder;
    if (!recorder) return;
    this.recorder = null;
    try {
      this.recording = await recorder.stop();
    } catch (err) {
      this.log.error('could not finalise the recording', { error: String(err) });
    }
  }

  private async teardown(): Promise<void> {
    await this.stopRecorder();
    await this.outputs.close();
    await this.browser?.close().catch((err: unknown) => this.log.warn('browser close failed', { error: String(err) }));
    await this.media?.dispose().catch((err: unknown) => this.log.warn('media dispose failed', { error: String(err) }));
    if (this.workDir) await rm(this.workDir, { recursive: true, force: true }).catch(() => undefined);
  }

  private mark(name: string): void {
    this.timings[name] = Math.round(process.uptime() * 1000);
  }

  private async timed<T>(name: string, work: Promise<T>): Promise<T> {
    const t0 = performance.now();
    const result = await work;
    this.timings[name] = Math.round(performance.now() - t0);
    return result;
  }
}

class EndedFatally extends Error {
  constructor(readonly end: EndDecision) {
    super(`fatal: ${end.outcome.sub_code}`);
  }
}
