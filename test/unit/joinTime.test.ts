import { describe, expect, it } from 'vitest';
import { parseBotConfig } from '../../src/config/normalize.js';
import { waitForJoinTime } from '../../src/session/joinTime.js';
import { silentLogger } from '../../src/util/log.js';

// A warm-started bot waits at the pre-join screen until its join_at: no longer, and not at all without one.

describe('waitForJoinTime', () => {
  it('resolves at join_at, beating the watchdog meanwhile', async () => {
    let beats = 0;
    const joinAt = new Date(Date.now() + 300).toISOString();
    const t0 = Date.now();
    await waitForJoinTime(joinAt, new AbortController().signal, () => beats++, silentLogger);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(joinAt));
    expect(beats).toBeGreaterThanOrEqual(2);
  });

  it('does not wait without a join_at, for one passed, or once the bot is ending', async () => {
    const t0 = Date.now();
    await waitForJoinTime(null, new AbortController().signal, () => undefined, silentLogger);
    await waitForJoinTime(new Date(Date.now() - 1000).toISOString(), new AbortController().signal, () => undefined, silentLogger);
    const ending = new AbortController();
    setTimeout(() => ending.abort(), 50);
    await waitForJoinTime(new Date(Date.now() + 60_000).toISOString(), ending.signal, () => undefined, silentLogger);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a future join_at reaches the spec; a past one does not', () => {
    const body = (join_at: string) => ({ meeting_url: 'https://meet.google.com/abc-defg-hij', join_at });
    const future = new Date(Date.now() + 60_000).toISOString();
    const parsed = parseBotConfig(body(future));
    expect(parsed.ok && parsed.spec.join_at).toBe(future);
    expect(parsed.ok && parsed.spec.unsupported.map((u) => u.path)).not.toContain('join_at');
    const past = parseBotConfig(body('2020-01-01T00:00:00Z'));
    expect(past.ok && past.spec.join_at).toBeNull();
  });
});
