import { ControlChannel, type CommandOutcome } from '../control/channel.js';
import type { BotCommand } from '../control/protocol.js';
import type { Logger } from '../util/log.js';
import type { Redact } from '../util/redact.js';
import { endFor, type EndReason } from './endReason.js';
import type { InCallSteps } from './inCallSteps.js';
import type { RuntimeOptions } from './runtimeOptions.js';

/** What a command acts on: the session's one way to end, and its in-call steps once the bot is admitted. */
export interface CommandTarget {
  end(reason: EndReason): void;
  inCallSteps(): InCallSteps | null;
}

/** The bot's command channel to the service that started it, when the operator gave one; else null. */
export function openControlChannel(
  opts: Pick<RuntimeOptions, 'controlUrl' | 'controlToken'>,
  log: Logger,
  redact: Redact,
  target: CommandTarget,
): ControlChannel | null {
  if (!opts.controlUrl || !opts.controlToken) return null;
  return new ControlChannel({ url: opts.controlUrl, token: opts.controlToken, log, redact, onCommand: (command) => carryOut(command, target) });
}

/**
 * A `leave` is the operator's stop by another road (same EndReason), answered once the end is asked for. A chat
 * message goes the join message's way, behind the page work under way; a rejection is answered `ok: false`.
 */
async function carryOut(command: BotCommand, target: CommandTarget): Promise<CommandOutcome> {
  switch (command.kind) {
    case 'leave':
      target.end(endFor('bot_received_leave_call', { reason: 'leave command' }));
      return { ok: true };
    case 'send_chat_message': {
      const steps = target.inCallSteps();
      if (!steps) return { ok: false, error: 'the bot is not in the call yet' };
      await steps.sendChat(command.text);
      return { ok: true };
    }
  }
}
