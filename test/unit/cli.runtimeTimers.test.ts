import { describe, expect, it } from 'vitest';
import { runCliCapturing } from '../helpers/cliRun.js';
import { RUNTIME_DEFAULTS } from '../../src/session/runtimeOptions.js';

// The runtime's timers from the environment: MEETBOT_MAX_RUNTIME_SEC, MEETBOT_WATCHDOG_SEC and
// MEETBOT_ZOOM_UNSTARTED_RELOAD_SEC reach the runtime (the e2e tests shorten them through these), their defaults
// otherwise, and a value that is no positive number of seconds is a usage error before any bot starts.

const BODY = JSON.stringify({ meeting_url: 'https://zoom.us/j/81234567890' });

function cli(env: NodeJS.ProcessEnv) {
  return runCliCapturing(['join', '--out', '<out>'], { BOT_CONFIG: BODY, ...env });
}

describe('the runtime timers in the environment', () => {
  it('default to 6 h, 120 s and 15 s', async () => {
    const { opts } = await cli({});
    expect(opts).toMatchObject({ maxRuntimeSec: 21_600, watchdogSec: 120, zoomUnstartedReloadSec: 15 });
    expect(RUNTIME_DEFAULTS).toMatchObject({ maxRuntimeSec: 21_600, watchdogSec: 120, zoomUnstartedReloadSec: 15 });
  });

  it('take the seconds they are given', async () => {
    const { opts } = await cli({ MEETBOT_MAX_RUNTIME_SEC: '14', MEETBOT_WATCHDOG_SEC: '6', MEETBOT_ZOOM_UNSTARTED_RELOAD_SEC: '2.5' });
    expect(opts).toMatchObject({ maxRuntimeSec: 14, watchdogSec: 6, zoomUnstartedReloadSec: 2.5 });
  });

  it.each(['MEETBOT_MAX_RUNTIME_SEC', 'MEETBOT_WATCHDOG_SEC', 'MEETBOT_ZOOM_UNSTARTED_RELOAD_SEC'])('%s of 0 is a usage error naming it (exit 2), and no bot starts', async (name) => {
    const r = await cli({ [name]: '0' });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${name} must be a positive number of seconds (got "0")`);
    expect(r.opts).toBeNull();
  });
});
