import { describe, expect, it } from 'vitest';
import { runCliCapturing } from '../helpers/cliRun.js';

// The command channel's settings: --control-url or MEETBOT_CONTROL_URL, the token from MEETBOT_CONTROL_TOKEN
// only, both or neither, and a ws(s) URL; anything else is a usage error (exit 2) before any bot starts.

const BODY = JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij' });
const TOKEN = 'secret-control-token-7f3a';
const URL_ = 'ws://127.0.0.1:7700/internal/bots/b1/channel';

function cli(args: string[], env: NodeJS.ProcessEnv) {
  return runCliCapturing(['join', '--out', '<out>', ...args], { BOT_CONFIG: BODY, ...env });
}

describe('--control-url / MEETBOT_CONTROL_URL / MEETBOT_CONTROL_TOKEN', () => {
  it('reach the runtime from the flag or the variable (the flag wins); without either the bot has no channel', async () => {
    expect((await cli(['--control-url', URL_], { MEETBOT_CONTROL_TOKEN: TOKEN })).opts).toMatchObject({ controlUrl: URL_, controlToken: TOKEN });
    expect((await cli([], { MEETBOT_CONTROL_URL: 'wss://svc.internal/c', MEETBOT_CONTROL_TOKEN: TOKEN })).opts).toMatchObject({
      controlUrl: 'wss://svc.internal/c',
      controlToken: TOKEN,
    });
    expect((await cli(['--control-url', URL_], { MEETBOT_CONTROL_URL: 'wss://svc.internal/c', MEETBOT_CONTROL_TOKEN: TOKEN })).opts?.controlUrl).toBe(URL_);
    expect((await cli([], {})).opts).toMatchObject({ controlUrl: null, controlToken: null });
  });

  const usageErrors: [string, string[], NodeJS.ProcessEnv, string][] = [
    ['a URL without a token', ['--control-url', URL_], {}, "--control-url needs the bot's token in MEETBOT_CONTROL_TOKEN"],
    ['a URL variable without a token', [], { MEETBOT_CONTROL_URL: URL_ }, "MEETBOT_CONTROL_URL needs the bot's token in MEETBOT_CONTROL_TOKEN"],
    ['a token without a URL', [], { MEETBOT_CONTROL_TOKEN: TOKEN }, 'MEETBOT_CONTROL_TOKEN is set without a control URL'],
    ['an http URL', ['--control-url', 'http://127.0.0.1:7700/c'], { MEETBOT_CONTROL_TOKEN: TOKEN }, '--control-url must be a ws:// or wss:// URL (got "http://127.0.0.1:7700/c")'],
    ['no URL at all', [], { MEETBOT_CONTROL_URL: 'svc:7700', MEETBOT_CONTROL_TOKEN: TOKEN }, 'MEETBOT_CONTROL_URL must be a ws:// or wss:// URL'],
    ['the token as a flag', ['--control-url', URL_, '--control-token', TOKEN], {}, "unknown option '--control-token'"],
  ];

  it.each(usageErrors)('%s is a usage error naming it (exit 2), and no bot starts', async (_case, args, env, message) => {
    const r = await cli(args, env);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.opts).toBeNull();
    if (!args.includes('--control-token')) expect(r.err).not.toContain(TOKEN);
  });
});
