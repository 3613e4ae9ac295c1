import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BotSpec } from '../config/botSpec.js';
import { redactorFor } from '../config/secrets.js';
import { EventLog } from '../events/eventLog.js';
import type { FatalSubCode } from '../lifecycle/codes.js';
import { BotLifecycle, type StatusEvent } from '../lifecycle/machine.js';
import type { MediaEnvironment } from '../capture/mediaEnvironment.js';
import { FRAME_MS } from '../capture/audioTap.js';
import type { AdapterContext, MeetingState, PlatformAdapter } from '../platform/adapter.js';
import { describeExit } from '../process/exitReason.js';
import { LeaveRuleEngine } from '../rules/leaveRuleEngine.js';
import { sleep } from '../util/async.js';
import { createLogger, type Logger } from '../util/log.js';
import type { LearningRedact } from '../util/redact.js';
import { openControlChannel } from './botCommands.js';
import { JoinIdentity } from './joinIdentity.js';
import { BotOutputs } from './botOutputs.js';
import { endFor, failedWith, stopSignalEnd, type EndReason, type FatalEnd } from './endReason.js';
import { saveFailureEvidence } from './evidence.js';
import { InCallSteps } from './inCallSteps.js';
import { leaveMeeting } from './leaveMeeting.js';
import { MeetingObserver } from './meetingObserver.js';
import { watchMeeting } from './meetingWatch.js';
import { OutputGuard } from './outputGuard.js';
import { nextPhase, SESSION_PHASES, type SessionPhase } from './phases.js';
import type { RuntimeOptions } from './runtimeOptions.js';
import { sessionInput, type SessionInput } from './sessionInput.js';
import { launchSession } from './sessionLaunch.js';
import { recordingDetail, statusAfterCall } from './recordingAssessment.js';
import { PRODUCTION_DEPS, type SessionBrowser, type SessionDeps, type SessionRecording } from './sessionDeps.js';
import { SessionTimings } from './timings.js';
import { saveTrace, startTrace } from './trace.js';
import { ProgressWatchdog } from './watchdog.js';
import { waitForJoinTime } from './joinTime.js';

export type BotOutcome = { exitCode: 0 | 1; final: StatusEvent };

/** How long an ending bot waits for page work already under way (each call is bounded by a step timeout). */
const PAGE_WORK_GRACE_MS = 3000;
const TRACE_FILE = 'trace.zip';
const EVENTS_FILE = 'events.jsonl';
/** Ends after which the page can no longer be driven: no Leave click, no screenshot, no trace. */
const PAGE_GONE: readonly FatalSubCode[] = ['browser_crashed', 'page_unresponsive'];

export function runBot(spec: BotSpec, opts: RuntimeOptions, stop: AbortSignal): Promise<BotOutcome> {
  return new BotSession(spec, opts).run(stop);
}

/**
 * One bot's life, from `joining_call` to `done` or `fatal`. The session owns every resource it starts and
 * releases all of them on every way out. Its phases (phases.ts) run in order: launching → joining →
 * admitting → in_call, until something asks for an end with an EndReason (end()): the operator's stop,
 * the meeting letting the bot go, a leave rule, a fault anyone notices (a crashed browser, a hung page, the
 * watchdog, the recorder, a full disk, a lost folder, the runtime cap) or a step that throws. Then `ending`
 * does, by that reason alone, what every end does: stop page work, leave, stop the recorder, report the
 * final status, write the outputs. The run never waits on anything that could hang (see untilEnd).
 */
export class BotSession {
  private readonly deps: SessionDeps;
  private readonly lifecycle: BotLifecycle;
  private readonly redact: LearningRedact;
  private readonly log: Logger;
  private readonly events: EventLog;
  private readonly guard: OutputGuard;
  private readonly watchdog: ProgressWatchdog;
  private readonly adapter: PlatformAdapter;
  private readonly rules: LeaveRuleEngine;
  private readonly outputs: BotOutputs;
  private readonly observer: MeetingObserver;
  private readonly identity: JoinIdentity;
  private readonly timings = new SessionTimings();
  private phase: SessionPhase = 'launching';
  /** Aborted with the EndReason when an end is asked for: the one record of "ending", and the adapter's signal. */
  private readonly ending = new AbortController();
  private readonly endAsked = new Promise<EndReason>((resolve) =>
    this.ending.signal.addEventListener('abort', () => resolve(this.ending.signal.reason as EndReason), { once: true }),
  );
  private workDir: string | null = null;
  private media: MediaEnvironment | null = null;
  private browser: SessionBrowser | null = null;
  private recording: SessionRecording | null = null;
  private input: SessionInput | null = null;
  /** The start-up of the display, audio server and browser: never abandoned, so nothing it starts is orphaned. */
  private launching: Promise<void> | null = null;
  /** The join and the poll loop: abandoned (after a grace) once the bot ends. */
  private pageWork: Promise<void> | null = null;
  /** The steps that follow admission, beside the poll loop (see admit). */
  private inCallSteps: InCallSteps | null = null;
  private runtimeCap: NodeJS.Timeout | null = null;

  constructor(
    private readonly spec: BotSpec,
    private readonly opts: RuntimeOptions,
    deps: Partial<SessionDeps> = {},
  ) {
    this.deps = { ...PRODUCTION_DEPS, ...deps };
    this.lifecycle = new BotLifecycle(this.deps.clock);
    this.redact = redactorFor(spec, opts);
    this.log = createLogger({ minLevel: opts.logLevel, stderr: opts.logsToStderr, file: join(opts.outDir, 'bot.log'), redact: this.redact });
    this.guard = new OutputGuard({ dir: opts.outDir, log: this.log.child('output'), onFault: (f) => this.end(endFor(f.sub_code, f.detail)) });
    this.watchdog = new ProgressWatchdog(
      opts.watchdogSec * 1000,
      (step, ms) => this.end(endFor('watchdog_no_progress', { step, seconds: Math.round(ms / 1000) })),
      this.deps.clock,
    );
    this.events = new EventLog({ stdout: opts.eventsToStdout, redact: this.redact, onWriteError: (err) => this.guard.noteWriteError(err) });
    this.lifecycle.onTransition((e) => this.events.emit(e));
    this.adapter = this.deps.createAdapter(spec.meeting.platform);
    this.rules = new LeaveRuleEngine(spec.automatic_leave, this.deps.clock);
    this.lifecycle.onTransition((e) => this.rules.onStatus(e.code));
    const control = openControlChannel(opts, this.log.child('control'), this.redact, { end: (r) => this.end(r), inCallSteps: () => this.inCallSteps });
    this.outputs = new BotOutputs(spec, opts, this.events, this.log.child('outputs'), control);
    this.identity = new JoinIdentity(spec, opts, control, this.redact, this.log);
    this.observer = new MeetingObserver({
      lifecycle: this.lifecycle,
      rules: this.rules,
      outputs: this.outputs,
      events: this.events,
      clock: this.deps.clock,
      onAdmitted: () => this.admit(),
    });
  }

  /** `stop` is the operator's stop (SIGTERM): the bot leaves and reports `bot_received_leave_call`. */
  async run(stop: AbortSignal): Promise<BotOutcome> {
    const onStop = () => this.end(stopSignalEnd(stop.reason));
    stop.addEventListener('abort', onStop, { once: true });
    if (stop.aborted) onStop();
    this.runtimeCap = setTimeout(() => this.end(endFor('global_runtime_exceeded', { seconds: this.opts.maxRuntimeSec })), this.opts.maxRuntimeSec * 1000);
    try {
      await this.prepareOutputs();
      const cannotStart = this.identity.startFailure();
      if (cannotStart) this.end(cannotStart);
      this.pageWork = this.isEnding ? Promise.resolve() : this.live().catch((err: unknown) => this.end(failedWith(err)));
      await this.finish(await this.endAsked);
    } catch (err) {
      // The preparation or the ending itself broke: end fatally with what can still be done.
      const failure = failedWith(err);
      this.end(failure);
      await this.endFatally(failure);
    } finally {
      stop.removeEventListener('abort', onStop);
      await this.teardown();
    }
    const final = this.lifecycle.events.at(-1)!;
    return { exitCode: final.code === 'done' ? 0 : 1, final };
  }

  /** The one way an end is asked for. The first reason wins; page work gives up at its next step. */
  end(reason: EndReason): void {
    if (this.isEnding) return;
    this.watchdog.stop();
    this.ending.abort(reason);
  }

  private get isEnding(): boolean {
    return this.ending.signal.aborted;
  }

  private enterPhase(to: SessionPhase): void {
    if (this.phase === to) return;
    this.phase = nextPhase(this.phase, to);
    const step = SESSION_PHASES[to].watchdogStep;
    if (step && !this.isEnding) {
      this.watchdog.start();
      this.watchdog.enter(step);
    } else this.watchdog.stop();
    this.log.debug('session phase', { phase: to });
  }

  private async prepareOutputs(): Promise<void> {
    await mkdir(this.opts.outDir, { recursive: true });
    this.events.attachFile(join(this.opts.outDir, EVENTS_FILE));
    await this.guard.start();
    this.outputs.start();
    this.outputs.reportUnsupported();
    this.lifecycle.transition('joining_call');
  }

  /** launching → joining → admitting → in_call; returns once the bot is ending. */
  private async live(): Promise<void> {
    this.launching = this.launch();
    await this.launching;
    if (this.isEnding) return;
    this.enterPhase('joining');
    const ctx = this.adapterContext();
    // The join steps own the page, but the leave rules are still asked: a wait they report (onScreen) counts.
    const rulesWhileJoining = setInterval(() => {
      const decided = this.observer.decide();
      if (decided) this.end(decided);
    }, this.opts.pollIntervalMs);
    try {
      await this.untilEnd(this.timings.time('join_steps', this.adapter.join(ctx)));
    } finally {
      clearInterval(rulesWhileJoining);
    }
    if (this.isEnding) return;
    this.enterPhase('admitting');
    await this.watchMeeting(ctx);
  }

  /**
   * The work's result, or null as soon as an end is asked for. A step stuck on a hung browser never
   * settles; the bot goes on ending without it (teardown closes the browser under it).
   */
  private untilEnd<T>(work: Promise<T>): Promise<T | null> {
    work.catch(() => undefined); // an abandoned step's late failure is nobody's business
    return Promise.race([work, this.endAsked.then(() => null)]);
  }

  private async launch(): Promise<void> {
    await launchSession({
      deps: this.deps,
      spec: this.spec,
      opts: this.opts,
      log: this.log,
      timings: this.timings,
      externalProtocols: this.adapter.externalProtocols,
      owner: { workDir: (d) => (this.workDir = d), media: (m) => (this.media = m), browser: (b) => (this.browser = b) },
    });
    const browser = this.browser!;
    this.input = sessionInput({ adapter: this.adapter, setting: this.opts.uiInput, page: browser.page, media: this.media!, stepTimeoutMs: this.opts.stepTimeoutMs, log: this.log });
    browser.page.on('crash', () => this.end(endFor('browser_crashed', { reason: 'the page crashed' })));
    void browser.exited.then((r) => this.end(endFor('browser_crashed', { reason: `chromium ${describeExit(r)}` })));
    if (this.opts.trace) await startTrace(browser.context, this.log);
    await this.identity.prepare(browser.context);
  }

  private adapterContext(): AdapterContext {
    return {
      page: this.browser!.page,
      meeting: this.spec.meeting,
      botName: this.spec.bot_name,
      log: this.log.child(this.spec.meeting.platform),
      needsIncomingVideo: this.spec.recording.mode === 'video_and_audio',
      stepTimeoutMs: this.opts.stepTimeoutMs,
      zoomUnstartedReloadMs: this.opts.zoomUnstartedReloadSec * 1000,
      signal: this.ending.signal,
      input: this.input!.ui,
      osKey: (key) => this.input!.osKey(key),
      onScreen: (state) => this.joinScreen(state),
      untilJoinTime: () => waitForJoinTime(this.spec.join_at, this.ending.signal, () => this.watchdog.beat(), this.log),
      ...this.identity.forAdapter(),
    };
  }

  /** A wait the join steps passed through; admission and what follows are the poll loop's, which reads it all. */
  private joinScreen(state: MeetingState): void {
    if (this.isEnding || (state.phase !== 'waiting_for_host' && state.phase !== 'waiting_room')) return;
    this.watchdog.beat();
    this.observer.see({ state, participants: null, chat: [] }, { readChat: false });
  }

  /** The poll loop (meetingWatch.ts) over this session's parts; every end it finds comes back through end(). */
  private watchMeeting(ctx: AdapterContext): Promise<void> {
    return watchMeeting({
      adapter: this.adapter,
      ctx,
      observer: this.observer,
      watchdog: this.watchdog,
      clock: this.deps.clock,
      log: this.log,
      pollIntervalMs: this.opts.pollIntervalMs,
      watchdogSec: this.opts.watchdogSec,
      ended: this.endAsked,
      inCallStepsRunning: () => this.inCallSteps?.running ?? false,
      end: (reason) => this.end(reason),
    });
  }

  /** Admission: `in_call_not_recording`, then the in-call steps (recorder, dialogs, join message) beside the loop. */
  private admit(): void {
    this.timings.mark('admitted');
    this.identity.admitted();
    this.lifecycle.transition('in_call_not_recording');
    this.enterPhase('in_call');
    this.inCallSteps = new InCallSteps({
      adapter: this.adapter,
      ctx: this.adapterContext(),
      startRecording: () => this.startRecording(),
      recording: this.spec.recording, joinMessage: this.spec.chat.on_bot_join?.message ?? null,
      outputs: this.outputs,
      events: this.events,
      log: this.log,
      fail: (err) => this.end(failedWith(err)),
    });
  }

  private async startRecording(): Promise<void> {
    this.recording = this.deps.createRecording({
      recording: this.spec.recording,
      outDir: this.opts.outDir,
      ffmpegPath: this.opts.ffmpegPath,
      log: this.log.child('ffmpeg'),
      events: this.events,
      guard: this.guard,
      onFailure: (reason) => this.end(endFor('recording_failed', { reason })),
      uploads: this.outputs.segmentUploads,
      onAudio: (frame) => {
        this.rules.onAudioLevel(frame.level, FRAME_MS);
        this.outputs.audio(frame);
      },
    });
    this.recording.noteMotion((originMs) => this.inCallSteps?.stage?.movingSpans(originMs) ?? null);
    await this.recording.start(this.media!);
    this.outputs.recordingStarted();
    this.timings.mark('recording_started');
    if (this.spec.recording.mode !== 'none') this.lifecycle.transition('in_call_recording', 'recording_started');
  }

  /** Everything an end does, decided by its reason alone. */
  private async finish(reason: EndReason): Promise<void> {
    this.enterPhase('ending');
    await this.stopPageWork();
    const { outcome } = reason;
    if (outcome.status === 'fatal') return this.endFatally({ ...reason, outcome });
    // A stop signal comes with a deadline (10 s): the recording is finalised while the bot leaves.
    const stopping = outcome.sub_code === 'bot_received_leave_call' ? this.recording?.stop() : null;
    if (this.mustLeave(reason)) await this.leave();
    this.lifecycle.transition('call_ended', outcome.sub_code, reason.detail);
    await (stopping ?? this.recording?.stop());
    this.lifecycle.transition(...statusAfterCall(this.recording));
    await this.finalizeOutputs(this.lifecycle.code === 'done' ? 0 : 1);
  }

  /**
   * Ends `fatal`, keeping what can be kept. The order depends on what broke: a full disk stops the recorder
   * before anything else is written, a lost folder is recreated and the open recording saved into it, and
   * a crashed or hung page is neither clicked nor photographed.
   */
  private async endFatally(reason: FatalEnd): Promise<void> {
    if (this.lifecycle.isTerminal) return;
    const { sub_code } = reason.outcome;
    if (reason.error) this.log.error('bot failed', reason.detail);
    const pageGone = PAGE_GONE.includes(sub_code) || !this.browser?.isRunning();
    if (sub_code === 'output_dir_lost') await this.guard.restore(() => this.events.attachFile(join(this.opts.outDir, EVENTS_FILE)));
    if (sub_code === 'disk_full') {
      await this.recording?.stop();
      await this.guard.releaseReserve();
    }
    const why = reason.error ?? new Error(`${sub_code}: ${JSON.stringify(reason.detail)}`);
    const evidence = await saveFailureEvidence(pageGone ? null : (this.browser?.page ?? null), this.opts.outDir, why, this.redact).catch(() => null);
    if (!pageGone && this.mustLeave(reason)) await this.leave();
    await this.recording?.stop();
    this.lifecycle.transition('fatal', sub_code, { ...reason.detail, ...(evidence ? { evidence } : {}), ...recordingDetail(this.recording) });
    await this.finalizeOutputs(1);
  }

  /** A bot that has started joining leaves, unless the meeting already let it go. */
  private mustLeave(reason: EndReason): boolean {
    return !reason.alreadyOut && this.lifecycle.code !== 'ready';
  }

  /**
   * Nothing but the leave may touch the page from here on (a dismissing click from the loop or the in-call
   * steps closes a Leave menu). A launch still under way and a recorder being started are waited for; the
   * rest of the page work gives up at its next step, with a short grace.
   */
  private async stopPageWork(): Promise<void> {
    await this.launching?.catch(() => undefined);
    await this.inCallSteps?.recorderStart.catch(() => undefined);
    await Promise.race([Promise.allSettled([this.inCallSteps?.settled, this.pageWork]), sleep(PAGE_WORK_GRACE_MS)]);
  }

  private async leave(): Promise<void> {
    if (!this.browser?.isRunning()) return;
    // The adapter's own signal is aborted by now; leaving must not be.
    const ctx = { ...this.adapterContext(), signal: new AbortController().signal };
    await leaveMeeting(this.adapter, ctx, this.lifecycle.code === 'joining_call');
  }

  private async finalizeOutputs(exitCode: number): Promise<void> {
    if (this.browser?.isRunning()) await this.identity.beforeBrowserCloses();
    await this.outputs.finalize(this.lifecycle.events, this.recording, exitCode, {
      timings_ms: this.timings.toJSON(),
      versions: this.browser ? { chromium: this.browser.version() } : {},
    });
  }

  private async teardown(): Promise<void> {
    if (this.runtimeCap) clearTimeout(this.runtimeCap);
    this.watchdog.stop();
    this.guard.stop();
    await this.launching?.catch(() => undefined);
    await this.recording?.stop();
    if (this.opts.trace && this.browser?.isRunning()) await saveTrace(this.browser.context, join(this.opts.outDir, TRACE_FILE), this.log);
    await this.outputs.close();
    await this.browser?.close().catch((err: unknown) => this.log.warn('browser close failed', { error: String(err) }));
    await this.media?.dispose().catch((err: unknown) => this.log.warn('media dispose failed', { error: String(err) }));
    await this.guard.releaseReserve();
    await this.identity.close();
    if (this.workDir) await rm(this.workDir, { recursive: true, force: true }).catch(() => undefined);
    this.enterPhase('ending');
    this.enterPhase('finished');
  }
}
