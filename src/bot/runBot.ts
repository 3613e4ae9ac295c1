import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { BotSpec } from '../config/botSpec.js';
import type { FatalSubCode, StatusCode } from '../lifecycle/codes.js';
import { BotLifecycle, type StatusEvent } from '../lifecycle/machine.js';
import { EventLog } from '../events/eventLog.js';
import { createLogger, type Logger } from '../util/log.js';
import { systemClock } from '../util/clock.js';
import type { AdapterContext, EndOutcome, MeetingSnapshot, PlatformAdapter } from '../platform/adapter.js';
import { JoinStepError } from '../platform/adapter.js';
import { sleep, withTimeout } from '../platform/page.js';
import { adapterFor } from '../platform/registry.js';
import { startMediaEnvironment, type MediaEnvironment } from '../capture/mediaEnvironment.js';
import { launchBrowser, type LaunchedBrowser } from '../browser/launch.js';
import { FRAME_MS } from '../capture/audioTap.js';
import { LeaveRuleEngine } from '../rules/leaveRuleEngine.js';
import { describeExit } from '../process/exitReason.js';
import { BotRecording } from './botRecording.js';
import { leaveMeeting } from './leaveMeeting.js';
import { saveFailureEvidence } from './evidence.js';
import { splitChatMessage } from './chatSplit.js';
import { MeetingTracker } from './meetingTracker.js';
import { BotOutputs } from './outputs.js';
import { osKeyPresser } from './osInput.js';
import { OutputGuard } from './outputGuard.js';
import { rescueDeletedSegments } from './recordingRescue.js';
import type { RuntimeOptions } from './runtimeOptions.js';
import { secretsOf } from './secrets.js';
import { saveTrace, startTrace } from './trace.js';
import { ProgressWatchdog } from './watchdog.js';

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

/**
 * An abort reason for runBot's signal that ends the bot `fatal` / `bot_errored` rather than as a requested
 * leave: the CLI uses it when the process itself broke (an uncaught exception).
 */
export class UnexpectedFault extends Error {
  override name = 'UnexpectedFault';
}

const MAINTAIN_EVERY_MS = 2000;
/** How long an ending bot waits for page calls already under way (each is bounded by a step timeout). */
const PAGE_WORK_GRACE_MS = 3000;
const TRACE_FILE = 'trace.zip';
/** Faults after which the page can no longer be driven: no Leave click, no screenshot, no trace. */
const PAGE_GONE: readonly FatalSubCode[] = ['browser_crashed', 'page_unresponsive'];
/** What the page may show while the bot is in a known place; anything else is no progress for the watchdog. */
const SETTLED_PHASES: ReadonlySet<string> = new Set(['waiting_room', 'waiting_for_host', 'in_call']);

/**
 * Runs one bot from `joining_call` to `done` or `fatal`. Owns every resource it starts and releases all of
 * them on every way out. `signal` is the operator's stop (SIGTERM): the bot leaves, finalises its recording
 * and reports `call_ended` / `done` with `bot_received_leave_call` (or `fatal` / `bot_errored` when the
 * reason is an UnexpectedFault).
 *
 * Runtime faults end it `fatal` with the recording kept up to that point: a crashed browser, a page that
 * stops answering, a step that makes no progress (watchdog), ffmpeg failing beyond its restarts, a full
 * disk, a lost output folder, and MEETBOT_MAX_RUNTIME_SEC. Each is noticed by whoever sees it first and
 * handed to `requestEnd`; the run itself never waits on anything that could hang (see `untilEnd`).
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
  private recording: BotRecording | null = null;
  /** The in-call steps after admission, run beside the poll loop (see admit). */
  private admission: { recorderStart: Promise<void>; settled: Promise<void>; done: boolean; failure: unknown } | null = null;
  /** The poll loop, which may be between page calls when the bot decides to end. */
  private supervision: Promise<unknown> | null = null;
  private pendingEnd: EndDecision | null = null;
  private endRequested!: () => void;
  private readonly ended = new Promise<void>((resolve) => (this.endRequested = resolve));
  private readonly watchdog: ProgressWatchdog;
  private readonly guard: OutputGuard;
  private runtimeCap: NodeJS.Timeout | null = null;
  private readonly timings: Record<string, number> = {};

  constructor(
    private readonly spec: BotSpec,
    private readonly opts: RuntimeOptions,
  ) {
    this.redact = secretsOf(spec, opts.webhookSecret);
    this.log = createLogger({ minLevel: opts.logLevel, stderr: true, file: join(opts.outDir, 'bot.log'), redact: this.redact });
    this.guard = new OutputGuard({
      dir: opts.outDir,
      log: this.log.child('output'),
      onFault: (f) => this.requestEnd({ status: 'fatal', sub_code: f.sub_code }, f.detail),
    });
    this.watchdog = new ProgressWatchdog(opts.watchdogSec * 1000, (step, ms) =>
      this.requestEnd({ status: 'fatal', sub_code: 'watchdog_no_progress' }, { step, seconds: Math.round(ms / 1000) }),
    );
    this.events = new EventLog({ stdout: opts.eventsToStdout, redact: this.redact, onWriteError: (err) => this.guard.noteWriteError(err) });
    this.lifecycle.onTransition((e) => this.events.emit(e));
    this.adapter = adapterFor(spec.meeting.platform);
    this.rules = new LeaveRuleEngine(spec.automatic_leave, systemClock);
    this.lifecycle.onTransition((e) => this.rules.onStatus(e.code));
    this.outputs = new BotOutputs(spec, opts, this.events, this.log.child('outputs'));
  }

  async run(signal: AbortSignal): Promise<BotOutcome> {
    const onStop = () =>
      signal.reason instanceof UnexpectedFault
        ? this.requestEnd({ status: 'fatal', sub_code: 'bot_errored' }, { message: signal.reason.message })
        : this.requestEnd({ status: 'call_ended', sub_code: 'bot_received_leave_call' }, { reason: 'stop signal' });
    signal.addEventListener('abort', onStop, { once: true });
    if (signal.aborted) onStop();
    this.runtimeCap = setTimeout(
      () => this.requestEnd({ status: 'fatal', sub_code: 'global_runtime_exceeded' }, { seconds: this.opts.maxRuntimeSec }),
      this.opts.maxRuntimeSec * 1000,
    );
    try {
      await mkdir(this.opts.outDir, { recursive: true });
      this.events.attachFile(this.eventsFile);
      await this.guard.start();
      this.outputs.start();
      this.outputs.reportUnsupported();
      this.lifecycle.transition('joining_call');
      if (!this.pendingEnd) await this.launch();
      await this.finish(this.pendingEnd ?? (await this.joinAndSupervise()));
    } catch (err) {
      await this.fail(err);
    } finally {
      signal.removeEventListener('abort', onStop);
      await this.teardown();
    }
    const final = this.lifecycle.events.at(-1)!;
    return { exitCode: final.code === 'done' ? 0 : 1, final };
  }

  /** Joins, then watches the meeting until it is over for the bot; returns why it is over. */
  private async joinAndSupervise(): Promise<EndDecision> {
    const ctx = this.adapterContext();
    this.watchdog.start();
    this.watchdog.enter('join');
    // A stop or fault during the join aborts the adapter; that end, not the aborted step, is the outcome.
    await this.untilEnd(this.timed('join_steps_ms', this.adapter.join(ctx))).catch((err: unknown) => {
      if (!this.pendingEnd) throw err;
    });
    if (this.pendingEnd) return this.pendingEnd;
    const supervision = this.superviseMeeting(ctx);
    this.supervision = supervision;
    return (await this.untilEnd(supervision)) ?? this.pendingEnd!;
  }

  private get eventsFile(): string {
    return join(this.opts.outDir, 'events.jsonl');
  }

  /**
   * The work's result, or null as soon as an end is requested. A step stuck on a hung browser never
   * settles; the bot goes on ending without it (teardown closes the browser under it).
   */
  private untilEnd<T>(work: Promise<T>): Promise<T | null> {
    work.catch(() => undefined); // an abandoned step's late failure is nobody's business
    return Promise.race([work, this.ended.then(() => null)]);
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
        externalProtocols: { origin: new URL(this.spec.meeting.join_url).origin, schemes: this.adapter.externalProtocols },
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
    if (this.opts.trace) await startTrace(this.browser.context, this.log);
  }

  private adapterContext(): AdapterContext {
    return {
      page: this.browser!.page,
      meeting: this.spec.meeting,
      botName: this.spec.bot_name,
      log: this.log.child(this.spec.meeting.platform),
      needsIncomingVideo: this.spec.recording.mode === 'video_and_audio',
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
    this.watchdog.stop();
    this.abort.abort();
    this.endRequested();
  }

  /**
   * Polls the page until the meeting is over for the bot, and acts on everything it sees meanwhile. Every
   * page call here is bounded, so the loop keeps turning whatever the page does: a page that stops answering
   * for MEETBOT_WATCHDOG_SEC ends the bot `page_unresponsive`, one that shows nothing the adapter knows for
   * as long is the watchdog's.
   */
  private async superviseMeeting(ctx: AdapterContext): Promise<EndDecision> {
    const watchdogMs = this.opts.watchdogSec * 1000;
    // Page calls end well within the watchdog period, so a hung page is this loop's finding, not the watchdog's.
    const pageCallMs = Math.round(Math.min(this.opts.stepTimeoutMs, watchdogMs / 3));
    let lastMaintain = 0;
    let lastAnswer = Date.now();
    this.watchdog.enter('in the meeting');
    for (;;) {
      if (this.pendingEnd) return this.pendingEnd;
      if (this.admission?.failure) throw this.admission.failure;
      let snap: MeetingSnapshot | null = null;
      try {
        snap = await withTimeout(this.adapter.probe(ctx), pageCallMs, 'read the page');
        lastAnswer = Date.now();
      } catch (err) {
        this.log.warn('could not read the page', { error: String(err) });
        // The loop is alive and watches the page itself; the watchdog is for loops that stop.
        this.watchdog.beat();
        if (Date.now() - lastAnswer >= watchdogMs) {
          return this.endDecision({ status: 'fatal', sub_code: 'page_unresponsive' }, { seconds: this.opts.watchdogSec, error: String(err) });
        }
      }
      if (this.pendingEnd) return this.pendingEnd;
      if (snap) {
        if (SETTLED_PHASES.has(snap.state.phase)) this.watchdog.beat();
        const end = await this.applySnapshot(ctx, snap);
        if (end) return end;
      }
      // The in-call steps dismiss dialogs themselves; two clickers on one page would trip over each other.
      if (snap && !this.admitting && Date.now() - lastMaintain > MAINTAIN_EVERY_MS) {
        lastMaintain = Date.now();
        await withTimeout(this.adapter.maintain(ctx), pageCallMs, 'page housekeeping').catch((err: unknown) =>
          this.log.debug('maintain failed', { error: String(err) }),
        );
      }
      const decision = this.rules.evaluate();
      if (decision) {
        // A rule fires only while the meeting holds the bot (waiting for the host, in the lobby or in the
        // call), so it always leaves, fatal (meeting_not_started) or not.
        const outcome = { status: decision.status, sub_code: decision.sub_code } as EndOutcome;
        return { outcome, detail: { rule: decision.rule, ...decision.figures }, mustLeave: true };
      }
      await Promise.race([sleep(this.opts.pollIntervalMs), this.ended]);
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
        if (!this.admission) this.admit(ctx);
        this.trackMeeting(snap);
        return null;
      default:
        return null;
    }
  }

  /**
   * Admission: `in_call_not_recording`, then the recorder and the adapter's in-call steps together (the
   * meeting is recorded from admission, however long a dialog or a loading chat panel takes), then the join
   * message. All of it runs beside the poll loop, so a kick, a meeting end or a leave rule meanwhile is acted
   * on at the next probe, not when the steps are done. A recorder that fails to start fails the bot through
   * the loop.
   */
  private admit(ctx: AdapterContext): void {
    this.mark('admitted_ms');
    this.lifecycle.transition('in_call_not_recording');
    const admission = { recorderStart: this.startRecording(), settled: Promise.resolve(), done: false, failure: null as unknown };
    this.admission = admission;
    const inCallSteps = withTimeout(this.adapter.afterAdmitted(ctx), this.opts.stepTimeoutMs * 2, 'after-admission steps').catch((err: unknown) => {
      if (!this.ending) this.log.warn('after-admission steps failed', { error: String(err) });
    });
    admission.settled = Promise.all([admission.recorderStart, inCallSteps])
      .then(() => (!this.ending && this.spec.chat.on_bot_join ? this.sendChat(ctx, this.spec.chat.on_bot_join.message) : undefined))
      .catch((err: unknown) => {
        admission.failure = err;
      })
      .finally(() => {
        admission.done = true;
      });
  }

  /** The in-call steps (recorder, dialogs, panels, join message) are under way. */
  private get admitting(): boolean {
    return this.admission !== null && !this.admission.done;
  }

  /** The bot has decided to end (an end request, or the loop's own finding): in-call steps give up. */
  private get ending(): boolean {
    return this.abort.signal.aborted;
  }

  /**
   * The bot ends: nothing but the leave may touch the page from here on (a dismissing click from the loop or
   * the in-call steps closes a Leave menu). In-call steps give up at their next page call (they watch the
   * adapter's signal) and the loop at its next check; both are waited for briefly, a recorder being started
   * until it has.
   */
  private async stopPageWork(): Promise<void> {
    this.abort.abort();
    await this.admission?.recorderStart.catch(() => undefined);
    const others = Promise.allSettled([this.admission?.settled, this.supervision]);
    await Promise.race([others, sleep(PAGE_WORK_GRACE_MS)]);
  }

  private async startRecording(): Promise<void> {
    this.recording = new BotRecording({
      recording: this.spec.recording,
      outDir: this.opts.outDir,
      ffmpegPath: this.opts.ffmpegPath,
      log: this.log.child('ffmpeg'),
      events: this.events,
      guard: this.guard,
      onFailure: (reason) => this.requestEnd({ status: 'fatal', sub_code: 'recording_failed' }, { reason }),
      onAudio: (frame) => {
        this.rules.onAudioLevel(frame.level, FRAME_MS);
        this.outputs.audio(frame);
      },
    });
    await this.recording.start(this.media!);
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
    // Read once the join message is out (the list keeps what came meanwhile), so chat.jsonl has the bot's line
    // before the replies to it: the bot's line is written when its send is confirmed.
    if (!this.admitting) for (const msg of this.tracker.newChatMessages(snap.chat)) this.outputs.chatSeen(msg);
  }

  private async sendChat(ctx: AdapterContext, message: string): Promise<void> {
    for (const part of splitChatMessage(message, this.adapter.chatLimit)) {
      if (this.ending) return;
      try {
        await withTimeout(this.adapter.sendChat(ctx, part), this.opts.stepTimeoutMs * 2, 'send the chat message');
        this.outputs.chatSent(part);
      } catch (err) {
        if (this.ending) return; // it failed because the bot is leaving, which is reported on its own
        this.events.emit({ event: 'bot.warning', created_at: new Date().toISOString(), kind: 'chat_not_sent', message: String(err) });
        return;
      }
    }
  }

  private async leaveMeeting(): Promise<void> {
    if (!this.browser?.process.running) return;
    // The adapter's own signal is aborted by now; leaving must not be.
    const ctx = { ...this.adapterContext(), signal: new AbortController().signal };
    await leaveMeeting(this.adapter, ctx, this.lifecycle.code === 'joining_call');
  }

  private async finish(end: EndDecision): Promise<void> {
    this.watchdog.stop();
    if (end.outcome.status === 'fatal') return this.fail(new EndedFatally(end));
    await this.stopPageWork();
    // A stop signal comes with a deadline (10 s): the recording is finalised while the bot leaves.
    const stopping = end.outcome.sub_code === 'bot_received_leave_call' ? this.recording?.stop() : null;
    if (end.mustLeave) await this.leaveMeeting();
    this.lifecycle.transition('call_ended', end.outcome.sub_code, end.detail);
    await (stopping ?? this.recording?.stop());
    this.lifecycle.transition('done', null, this.keptSegmentsDetail());
    await this.finalizeOutputs(0);
  }

  private async finalizeOutputs(exitCode: number): Promise<void> {
    const chromium = this.browser?.browser.version();
    await this.outputs.finalize(this.lifecycle.events, this.recording?.result ?? null, exitCode, {
      timings_ms: this.timings,
      versions: chromium ? { chromium } : {},
    });
  }

  /**
   * Ends `fatal`, keeping what can be kept. The order depends on what broke: a full disk stops the recorder
   * before anything else is written, a lost folder is recreated and the open recording saved into it, and
   * a crashed or hung page is neither clicked nor photographed.
   */
  private async fail(err: unknown): Promise<void> {
    if (this.lifecycle.isTerminal) return;
    this.watchdog.stop();
    await this.stopPageWork();
    const end = err instanceof EndedFatally ? err.end : null;
    const sub_code: FatalSubCode = end ? (end.outcome.sub_code as FatalSubCode) : err instanceof JoinStepError ? err.sub_code : 'bot_errored';
    const detail: Record<string, unknown> = end
      ? { ...end.detail }
      : { message: err instanceof Error ? err.message : String(err), ...(err instanceof JoinStepError ? { step: err.step } : {}) };
    if (!end) this.log.error('bot failed', detail);
    const pageGone = PAGE_GONE.includes(sub_code) || !this.browser?.process.running;
    if (sub_code === 'output_dir_lost') await this.restoreOutputDir();
    if (sub_code === 'disk_full') {
      await this.recording?.stop();
      await this.guard.releaseReserve();
    }
    const why = end ? new Error(`${sub_code}: ${JSON.stringify(end.detail)}`) : err;
    const evidence = await saveFailureEvidence(pageGone ? null : (this.browser?.page ?? null), this.opts.outDir, why, this.redact).catch(() => null);
    if (evidence) detail.evidence = evidence;
    if (!pageGone && (this.isInMeeting() || end?.mustLeave)) await this.leaveMeeting();
    await this.recording?.stop();
    this.lifecycle.transition('fatal', sub_code, { ...detail, ...this.keptSegmentsDetail() });
    await this.finalizeOutputs(1);
  }

  /** The folder is gone: make it again, rewrite the events so far, and save the segment ffmpeg still holds. */
  private async restoreOutputDir(): Promise<void> {
    try {
      await this.guard.recreate();
      this.events.attachFile(this.eventsFile);
      await rescueDeletedSegments(this.opts.outDir, this.log.child('output'));
    } catch (err) {
      this.log.error('could not recreate the output folder', { error: String(err) });
    }
  }

  private keptSegmentsDetail(): Record<string, unknown> | undefined {
    const kept = this.recording?.keptSegments ?? [];
    return kept.length ? { recording_segments: kept } : undefined;
  }

  private isInMeeting(): boolean {
    const c: StatusCode = this.lifecycle.code;
    return c === 'in_waiting_room' || c === 'in_call_not_recording' || c === 'in_call_recording';
  }

  private async teardown(): Promise<void> {
    if (this.runtimeCap) clearTimeout(this.runtimeCap);
    this.watchdog.stop();
    this.guard.stop();
    await this.recording?.stop();
    if (this.opts.trace && this.browser?.process.running) await saveTrace(this.browser.context, join(this.opts.outDir, TRACE_FILE), this.log);
    await this.outputs.close();
    await this.browser?.close().catch((err: unknown) => this.log.warn('browser close failed', { error: String(err) }));
    await this.media?.dispose().catch((err: unknown) => this.log.warn('media dispose failed', { error: String(err) }));
    await this.guard.releaseReserve();
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
