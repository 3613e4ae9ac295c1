import type { Logger } from './log.js';

/**
 * A pass of work run when woken and every `pollMs` otherwise, never two at once: a wake during a pass runs one
 * more pass right after it. For work whose source of truth is a table (bots to launch, webhooks to send), where a
 * wake is only a hint and the poll catches what another process queued.
 */
export class PollingPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly pollMs: number,
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.pass()
      .catch((err: unknown) => this.log.error(`${this.what} failed`, { error: String(err) }))
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), this.pollMs);
      });
  }

  /** No more passes; resolves once the one running (if any) is over. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
