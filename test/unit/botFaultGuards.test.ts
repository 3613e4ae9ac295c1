import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputGuard, type OutputFault } from '../../src/session/outputGuard.js';
import { redactorFor, secretsOf } from '../../src/config/secrets.js';
import { ProgressWatchdog } from '../../src/session/watchdog.js';
import { liveGroupMembers, waitForGroupGone } from '../../src/process/processGroup.js';
import { silentLogger } from '../../src/util/log.js';
import { FakeClock } from '../helpers/fakeClock.js';

describe('ProgressWatchdog', () => {
  it('fires once, naming the step, when neither a new step nor a beat comes within the limit', () => {
    const clock = new FakeClock();
    const fired: [string, number][] = [];
    const w = new ProgressWatchdog(10_000, (step, ms) => fired.push([step, ms]), clock);
    w.enter('join');
    clock.advance(6000);
    w.beat();
    clock.advance(9999);
    w.check();
    expect(fired).toEqual([]);
    w.enter('in the meeting');
    clock.advance(10_000);
    w.check();
    w.check();
    expect(fired).toEqual([['in the meeting', 10_000]]);
    w.stop();
  });
});

describe('OutputGuard', () => {
  function guard(dir: string, opts: { minFreeBytes?: number } = {}) {
    const faults: OutputFault[] = [];
    const g = new OutputGuard({ dir, log: silentLogger, onFault: (f) => faults.push(f), intervalMs: 60_000, reserveBytes: 64 * 1024, ...opts });
    return { g, faults };
  }

  it('holds a reserve while the folder is fine, and gives it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meetbot-guard-'));
    const { g, faults } = guard(dir);
    await g.start();
    expect(statSync(join(dir, '.meetbot-reserve')).size).toBe(64 * 1024);
    expect(await g.check()).toBeNull();
    await g.releaseReserve();
    expect(existsSync(join(dir, '.meetbot-reserve'))).toBe(false);
    g.stop();
    expect(faults).toEqual([]);
    rmSync(dir, { recursive: true });
  });

  it('reports output_dir_lost when the folder is deleted or replaced, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meetbot-guard-'));
    const { g, faults } = guard(dir);
    await g.start();
    rmSync(dir, { recursive: true });
    expect((await g.check())?.sub_code).toBe('output_dir_lost');
    await g.restore(() => undefined); // a new folder at the same path is not the one the bot had
    await g.check();
    expect(faults.map((f) => f.sub_code)).toEqual(['output_dir_lost']);
    g.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports disk_full below the free-space floor and on a writer’s ENOSPC', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meetbot-guard-'));
    const full = guard(dir, { minFreeBytes: Number.MAX_SAFE_INTEGER });
    await full.g.start();
    expect((await full.g.check())?.sub_code).toBe('disk_full');
    full.g.stop();
    const enospc = guard(dir);
    await enospc.g.start();
    enospc.g.noteWriteError(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    enospc.g.noteWriteError(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    expect(enospc.faults).toEqual([{ sub_code: 'disk_full', detail: { free_bytes: 0, cause: 'a write failed with ENOSPC' } }]);
    enospc.g.stop();
    rmSync(dir, { recursive: true });
  });
});

describe('secretsOf', () => {
  it('lists the passcode (plain and URL-encoded), the link tokens, the webhook secret with and without its prefix, the control token and the storage secrets', () => {
    const meeting = {
      password: 'p@ss word',
      join_url: 'https://zoom.us/wc/85551234567/join?pwd=p%40ss+word&tk=TOKEN123',
      original_url: 'https://zoom.us/j/85551234567?pwd=p%40ss+word&tk=TOKEN123',
    };
    const secrets = secretsOf({ meeting } as never, { webhookSecret: 'whsec_c2VjcmV0', controlToken: 'ctl-token-42', storageSecrets: ['wJalrXUtnFEMI/K7MDENG', 'IQoJb3JpZ2luX2Vj'] });
    expect(secrets).toEqual(
      expect.arrayContaining(['p@ss word', 'p%40ss%20word', 'TOKEN123', 'whsec_c2VjcmV0', 'c2VjcmV0', 'ctl-token-42', 'wJalrXUtnFEMI/K7MDENG', 'IQoJb3JpZ2luX2Vj']),
    );
  });
});

describe('redactorFor', () => {
  const meeting = { password: 'a"b\\c', join_url: 'https://zoom.us/wc/85551234567/join', original_url: 'https://zoom.us/j/85551234567' };
  const redact = redactorFor({ meeting } as never, { webhookSecret: 'whsec_c2VjcmV0', controlToken: null, storageSecrets: [] });

  it('replaces a secret that contains another whole (longest first)', () => {
    expect(redact('key whsec_c2VjcmV0 and c2VjcmV0')).toBe('key [redacted] and [redacted]');
  });

  it('finds a secret as a JSON line writes it (quotes and backslashes escaped)', () => {
    const line = JSON.stringify({ msg: 'typed the passcode', value: meeting.password });
    expect(line).toContain('a\\"b');
    expect(redact(line)).toBe('{"msg":"typed the passcode","value":"[redacted]"}');
    expect(redact(`plain ${meeting.password}`)).toBe('plain [redacted]');
  });

  it('takes secrets learnt later (Zoom tokens fetched at join time), and the Zoom Meeting SDK secret from the start', () => {
    const learning = redactorFor({ meeting } as never, { webhookSecret: null, controlToken: null, storageSecrets: [], zoomSdk: { secret: 'sdk-secret-77' } });
    const line = JSON.stringify({ msg: 'joining', zak: 'zak-tok"en-1', signature: 'eyJhbGciOi.sig', sdk: 'sdk-secret-77' });
    expect(learning(line)).toBe(line.replace('sdk-secret-77', '[redacted]'));
    learning.learn('zak-tok"en-1', 'eyJhbGciOi.sig');
    expect(learning(line)).toBe('{"msg":"joining","zak":"[redacted]","signature":"[redacted]","sdk":"[redacted]"}');
  });
});

describe('process groups', () => {
  it('waits until every member of a killed group is gone', async () => {
    const leader = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    expect(liveGroupMembers(leader.pid!).length).toBeGreaterThanOrEqual(3);
    process.kill(-leader.pid!, 'SIGKILL');
    expect(await waitForGroupGone(leader.pid!, 5000)).toBe(true);
    expect(liveGroupMembers(leader.pid!)).toEqual([]);
  });
});
