import { appendFileSync } from 'node:fs';
import { noRedaction, type Redact } from '../util/redact.js';
import type { BotEvent, LoggedEvent, RecordOnlyEvent } from './botEvents.js';

type Listener = (event: BotEvent) => void;

/**
 * Writes each event as one JSON line to stdout and to events.jsonl, then hands it to listeners (webhooks,
 * realtime endpoints). Writing is synchronous so the order on disk is the order of events, and an event is
 * on disk before anyone is told about it. `redact` removes secrets from every line.
 */
export class EventLog {
  private readonly listeners: Listener[] = [];
  private file: string | null = null;
  private readonly all: LoggedEvent[] = [];
  /** Lines a failed write left behind (full disk, folder gone): written first by the next write that works. */
  private unwritten: string[] = [];

  constructor(private readonly opts: { stdout: boolean; redact?: Redact; onWriteError?: (err: unknown) => void }) {}

  /**
   * Starts writing to events.jsonl; events logged before are written first, in order. Attaching again (to an
   * output folder created anew after it was lost) writes the whole history again.
   */
  attachFile(path: string): void {
    this.file = path;
    this.unwritten = [];
    for (const e of this.all) this.writeFile(this.serialize(e));
  }

  onEvent(listener: Listener): void {
    this.listeners.push(listener);
  }

  get events(): readonly LoggedEvent[] {
    return this.all;
  }

  emit(event: BotEvent): void {
    this.all.push(event);
    const line = this.serialize(event);
    if (this.opts.stdout) process.stdout.write(line + '\n');
    if (this.file) this.writeFile(line);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        /* a listener's fault must never stop the bot's own reporting */
      }
    }
  }

  /** Adds a line to events.jsonl only (e.g. a webhook's delivery status): not re-announced to listeners. */
  record(event: RecordOnlyEvent): void {
    this.all.push(event);
    if (this.file) this.writeFile(this.serialize(event));
  }

  private serialize(e: LoggedEvent): string {
    return (this.opts.redact ?? noRedaction)(JSON.stringify(e));
  }

  private writeFile(line: string): void {
    this.unwritten.push(line);
    try {
      appendFileSync(this.file!, this.unwritten.join('\n') + '\n');
      this.unwritten = [];
    } catch (err) {
      // stdout still carries the event; the runtime decides what a full disk or a lost folder means.
      this.opts.onWriteError?.(err);
    }
  }
}
