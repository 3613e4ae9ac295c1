import type { RecordingSpec } from '../config/botSpec.js';
import type { EventLog } from '../events/eventLog.js';
import { nowIso } from '../events/botEvents.js';
import type { AdapterContext, PlatformAdapter } from '../platform/adapter.js';
import { withTimeout } from '../util/async.js';
import { RecordingStage } from '../stage/recordingStage.js';
import type { Logger } from '../util/log.js';
import type { BotOutputs } from './botOutputs.js';
import { splitChatMessage } from './chatSplit.js';

export interface InCallStepsParts {
  adapter: PlatformAdapter;
  /** The session's context: its signal is aborted once the bot ends, and the steps give up then. */
  ctx: AdapterContext;
  /** Starts the recorder (the session owns it); resolves once it records. */
  startRecording: () => Promise<void>;
  /** What is recorded: a video recording shows the recording stage (src/stage) from its first frame. */
  recording: RecordingSpec;
  joinMessage: string | null;
  outputs: BotOutputs;
  events: EventLog;
  log: Logger;
  /** A recorder that cannot start, or a step that throws unexpectedly, ends the bot. */
  fail: (err: unknown) => void;
}

/**
 * What follows admission, beside the session's poll loop: the recorder and the adapter's in-call steps start
 * together (the meeting is recorded from admission, however long a dialog or a loading chat panel takes), and
 * the join message follows both. Running beside the loop, none of it delays acting on a kick, a meeting end or
 * a leave rule. Chat messages asked for later (a `send_chat_message` command) queue behind the join message:
 * one piece of page work at a time.
 */
export class InCallSteps {
  readonly recorderStart: Promise<void>;
  /** The recording's picture; null when no video is recorded. */
  readonly stage: RecordingStage | null;
  /** The page work queued so far, settled (each item's failure is its caller's). */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(private readonly p: InCallStepsParts) {
    const video = p.recording.mode === 'video_and_audio';
    this.stage = video ? new RecordingStage({ adapter: p.adapter, ctx: p.ctx, recording: p.recording, log: p.log.child('stage'), speaking: speakersOf(p.events) }) : null;
    // The stage goes up first (one bounded look at the page), so the recording's first frame is the meeting's.
    this.recorderStart = (this.stage?.start() ?? Promise.resolve()).then(() => p.startRecording());
    const stepMs = p.ctx.stepTimeoutMs * 2;
    const adapterSteps = withTimeout(p.adapter.afterAdmitted(p.ctx), stepMs, 'after-admission steps').catch((err: unknown) => {
      if (!this.ending) p.log.warn('after-admission steps failed', { error: String(err) });
    });
    void this.enqueue(() =>
      Promise.all([this.recorderStart, adapterSteps])
        // A join message that cannot be sent is a warning (chat_not_sent), not an end.
        .then(() => (p.joinMessage ? this.sendMessage(p.joinMessage).catch(() => undefined) : undefined))
        .catch(p.fail),
    );
    // The platform's own layout comes after the join message: the stage lays the picture out either way, so a
    // platform that makes choosing it slow must not hold the message up.
    if (video && p.adapter.applyLayout) {
      void this.enqueue(() =>
        withTimeout(p.adapter.applyLayout?.(p.ctx, p.recording.layout) ?? Promise.resolve(), stepMs, 'set the platform\'s layout').catch((err: unknown) => {
          if (!this.ending) p.log.warn('could not set the platform\'s layout', { error: String(err) });
        }),
      );
    }
  }

  /** Settles once the page work queued so far is over. */
  get settled(): Promise<void> {
    return this.queue;
  }

  /** While true the loop neither dismisses dialogs (two clickers trip over each other) nor reads chat. */
  get running(): boolean {
    return this.queued > 0;
  }

  /** Sends a message after the page work already queued; rejects with why it was not sent. */
  sendChat(message: string): Promise<void> {
    return this.enqueue(() => this.sendMessage(message));
  }

  private get ending(): boolean {
    return this.p.ctx.signal.aborted;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queued++;
    const done = this.queue.then(work).finally(() => this.queued--);
    this.queue = done.catch(() => undefined);
    return done;
  }

  /**
   * Longer messages go out in parts of the platform's limit. A part that fails is reported (chat_not_sent) and
   * the rest is not sent; the bot carries on.
   */
  private async sendMessage(message: string): Promise<void> {
    const { adapter, ctx, outputs, events } = this.p;
    for (const part of splitChatMessage(message, adapter.chatLimit)) {
      if (this.ending) throw leaving();
      try {
        await withTimeout(adapter.sendChat(ctx, part), ctx.stepTimeoutMs * 2, 'send the chat message');
      } catch (err) {
        if (this.ending) throw leaving(); // it failed because the bot is leaving, which is reported on its own
        events.emit({ event: 'bot.warning', created_at: nowIso(), kind: 'chat_not_sent', message: String(err) });
        throw err;
      }
      outputs.chatSent(part);
    }
  }
}

/**
 * Who speaks now by the bot's own participant events: the probe's reading, which knows more than a selector
 * in the page can (Teams' outline that moves while someone speaks), for the recording's speaker view.
 */
function speakersOf(events: EventLog): () => string[] {
  const speaking = new Set<string>();
  events.onEvent((e) => {
    if (e.event === 'participant_events.speech_on') speaking.add(e.participant.name);
    if (e.event === 'participant_events.speech_off' || e.event === 'participant_events.leave') speaking.delete(e.participant.name);
  });
  return () => [...speaking];
}

/** Why page work was given up: the bot is ending. */
function leaving(): Error {
  return new Error('the bot is leaving the call');
}
