import type { Page } from 'playwright-core';
import { OsInput } from '../browser/osInput.js';
import type { MediaEnvironment } from '../capture/mediaEnvironment.js';
import type { PlatformAdapter } from '../platform/adapter.js';
import { cdpInput, osUiInput, type InputMode, type UiInput } from '../platform/uiInput.js';
import type { Logger } from '../util/log.js';

/** `auto` takes the adapter's own choice (PlatformAdapter.joinInput); `os` and `cdp` force one for every platform. */
export type UiInputSetting = 'auto' | InputMode;

export interface SessionInput {
  /** The join steps' clicks and typing. */
  ui: UiInput;
  /** OS-level key presses for browser chrome (native dialogs), whatever the join steps use. */
  osKey: (key: string) => Promise<boolean>;
}

/** The bot's input, made once per run: the OS pointer remembers where its last path ended. */
export function sessionInput(p: {
  adapter: PlatformAdapter;
  setting: UiInputSetting;
  page: Page;
  media: MediaEnvironment;
  stepTimeoutMs: number;
  log: Logger;
}): SessionInput {
  const log = p.log.child('input');
  const os = new OsInput(p.media.display, p.media.size, log);
  const mode = p.setting === 'auto' ? p.adapter.joinInput : p.setting;
  log.info('input: join steps use ' + (mode === 'os' ? 'OS-level input (XTEST)' : 'CDP input'), { setting: p.setting });
  const ui = mode === 'os' ? osUiInput(p.page, os, { stepTimeoutMs: p.stepTimeoutMs, log }) : cdpInput(p.page, p.stepTimeoutMs);
  return { ui, osKey: (key) => os.keys(key) };
}
