import type { Page } from 'playwright-core';
import type { Platform } from '../../src/config/botSpec.js';
import type { AdapterContext } from '../../src/platform/adapter.js';
import { cdpInput } from '../../src/platform/uiInput.js';
import { RUNTIME_DEFAULTS } from '../../src/session/runtimeOptions.js';
import { silentLogger } from '../../src/util/log.js';

/**
 * What the session hands an adapter, for tests that drive one adapter in-process against a mock page: CDP input,
 * no OS keys, no screen reports, unless `overrides` says otherwise.
 */
export function testAdapterContext(
  page: Page,
  target: { platform: Platform; joinUrl: string; id: string; password?: string | null },
  overrides: Partial<AdapterContext> = {},
): AdapterContext {
  const stepTimeoutMs = overrides.stepTimeoutMs ?? 5000;
  return {
    page,
    meeting: {
      platform: target.platform,
      join_url: target.joinUrl,
      original_url: target.joinUrl,
      meeting_id: target.id,
      password: target.password ?? null,
      recall_shape: {},
    },
    botName: 'Test Notetaker',
    log: silentLogger,
    stepTimeoutMs,
    zoomUnstartedReloadMs: RUNTIME_DEFAULTS.zoomUnstartedReloadSec * 1000,
    signal: new AbortController().signal,
    input: cdpInput(page, stepTimeoutMs),
    osKey: async () => false,
    onScreen: () => undefined,
    untilJoinTime: async () => undefined,
    account: null,
    ...overrides,
  };
}
