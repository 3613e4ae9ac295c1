import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import type { StatusCode, SubCode } from './codes.js';
import { isTerminal, isTransitionAllowed } from './transitions.js';

/** One status change, as written to stdout, events.jsonl and (as `bot.<code>`) to webhooks. */
export interface StatusEvent {
  event: `bot.${StatusCode}`;
  code: StatusCode;
  sub_code: SubCode | null;
  created_at: string;
  /** Free-form facts about the change: the rule that fired and its figures, the step that failed, ... */
  detail?: Record<string, unknown>;
}

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly from: StatusCode,
    readonly to: StatusCode,
  ) {
    super(`illegal bot status transition ${from} -> ${to}`);
  }
}

type Listener = (event: StatusEvent) => void;

/**
 * The one owner of the bot's lifecycle. Every change goes through `transition`, which refuses changes the
 * table does not allow and announces each accepted one to every listener, in order.
 */
export class BotLifecycle {
  private current: StatusCode = 'ready';
  private readonly listeners: Listener[] = [];
  private readonly history: StatusEvent[] = [];
  private readonly clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.clock = clock;
  }

  get code(): StatusCode {
    return this.current;
  }

  get isTerminal(): boolean {
    return isTerminal(this.current);
  }

  get events(): readonly StatusEvent[] {
    return this.history;
  }

  onTransition(listener: Listener): void {
    this.listeners.push(listener);
  }

  transition(to: StatusCode, sub_code: SubCode | null = null, detail?: Record<string, unknown>): StatusEvent {
    if (!isTransitionAllowed(this.current, to)) throw new IllegalTransitionError(this.current, to);
    this.current = to;
    const event: StatusEvent = {
      event: `bot.${to}`,
      code: to,
      sub_code,
      created_at: this.clock.now().toISOString(),
      ...(detail ? { detail } : {}),
    };
    this.history.push(event);
    for (const l of this.listeners) l(event);
    return event;
  }
}
