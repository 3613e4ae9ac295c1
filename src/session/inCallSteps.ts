import type { EventLog } from '../events/eventLog.js';
import { nowIso } from '../events/botEvents.js';
import type { AdapterContext, PlatformAdapter } from '../platform/adapter.js';
import { withTimeout } from '../util/async.js';
import type { Logger } from '../util/log.js';
import type { BotOutputs } from './botOutputs.js';
import { splitChatMessage } from './chatSplit.js';

export interface InCallStepsParts {
  adapter: PlatformAdapter;
  /** The session's context: its signal is aborted once the bot ends, and the steps give up then. */
  ctx: AdapterContext;
  /** Starts the recorder (the session owns it); resolves once it records. */
  startRecording: () => Promise<void>;
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
 * a leave rule.
 */
export class InCallSteps {
  readonly recorderStart: Promise<void>;
  readonly settled: Promise<void>;
  private done = false;

  constructor(private readonly p: InCallStepsParts) {
    this.recorderStart = p.startRecording();
    const stepMs = p.ctx.stepTimeoutMs * 2;
    const adapterSteps = withTimeout(p.adapter.afterAdmitted(p.ctx), stepMs, 'after-admission steps').catch((err: unknown) => {
      if (!this.ending) p.log.warn('after-admission steps failed', { error: String(err) });
    });
    this.settled = Promise.all([this.recorderStart, adapterSteps])
      .then(() => this.sendJoinMessage())
      .catch(p.fail)
      .finally(() => {
        this.done = true;
      });
  }

  /** While true the loop neither dismisses dialogs (two clickers trip over each other) nor reads chat. */
  get running(): boolean {
    return !this.done;
  }

  private get ending(): boolean {
    return this.p.ctx.signal.aborted;
  }

  /** Longer messages go out in parts of the platform's limit; a part that fails is a warning, not an end. */
  private async sendJoinMessage(): Promise<void> {
    const { adapter, ctx, joinMessage, outputs, events } = this.p;
    if (!joinMessage) return;
    for (const part of splitChatMessage(joinMessage, adapter.chatLimit)) {
      if (this.ending) return;
      try {
        await withTimeout(adapter.sendChat(ctx, part), ctx.stepTimeoutMs * 2, 'send the chat message');
        outputs.chatSent(part);
      } catch (err) {
        if (this.ending) return; // it failed because the bot is leaving, which is reported on its own
        events.emit({ event: 'bot.warning', created_at: nowIso(), kind: 'chat_not_sent', message: String(err) });
        return;
      }
    }
  }
}
