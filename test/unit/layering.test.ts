import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layering } from '../../eslint.config.js';

// The import rules that keep the layers (eslint.config.js, CONTRIBUTING.md "Layers"), proven to bite: each case
// is a one-line file at a real path, linted with those rules alone.

const eslint = new ESLint({
  cwd: fileURLToPath(new URL('../..', import.meta.url)),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layering],
});

async function problems(filePath: string, importPath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${importPath}';\nexport const y = x;\n`, { filePath });
  return result!.messages.map((m) => m.message);
}

describe('layering', () => {
  it.each([
    ['platforms/zoom/join.ts', '../../src/capture/recorder.js', 'adapters know pages only'],
    ['platforms/zoom/join.ts', '../../src/session/botSession.js', 'adapters know pages only'],
    ['platforms/zoom/join.ts', '../google_meet/probe.js', 'one platform never imports another'],
    ['platforms/webex/chat.ts', '../../fixtures/mock/server.js', 'production code never imports'],
    ['src/session/botSession.ts', '../../platforms/zoom/adapter.js', 'only src/platform/registry.ts imports platform adapters'],
    ['src/platform/page.ts', '../capture/recorder.js', 'src/platform sits below'],
    ['src/capture/recorder.ts', '../session/botOutputs.js', 'src/capture sits below'],
    ['src/outputs/webhooks.ts', '../session/runtimeOptions.js', 'src/outputs sits below'],
    ['src/util/async.ts', '../config/botSpec.js', 'src/util sits below'],
    ['src/cliMain.ts', '../fixtures/mock/server.js', 'production code never imports'],
    ['src/session/botSession.ts', '../../test/helpers/fakeSession.js', 'production code never imports'],
    ['src/service/api.ts', '../session/botSession.js', 'src/service sits below'],
    ['src/control/channel.ts', '../session/botSession.js', 'src/control sits below'],
    ['src/control/channel.ts', '../service/api.js', 'src/control sits below'],
    ['src/control/channel.ts', '../outputs/webhooks.js', 'src/control sits below'],
    ['src/events/eventLog.ts', '../control/channel.js', 'src/events sits below'],
    ['src/outputs/webhooks.ts', '../control/channel.js', 'src/outputs sits below'],
    ['platforms/zoom/join.ts', '../../src/control/protocol.js', 'adapters know pages only'],
    ['src/account/credential.ts', '../session/botAccount.js', 'src/account sits below'],
    ['src/account/zoomTokens.ts', '../control/channel.js', 'src/account sits below'],
    ['src/config/secrets.ts', '../account/credential.js', 'src/config sits below'],
    ['bench/run.ts', '../test/helpers/botProcess.js', 'never import tests'],
  ])('%s may not import %s', async (file, target, why) => {
    expect((await problems(file, target)).join('\n')).toContain(why);
  });

  it.each([
    ['platforms/zoom/join.ts', '../../src/platform/page.js'],
    ['platforms/zoom/join.ts', './selectors.js'],
    ['platforms/zoom/join.ts', '../../src/util/async.js'],
    ['src/platform/registry.ts', '../../platforms/zoom/adapter.js'],
    ['src/session/botSession.ts', '../capture/recorder.js'],
    ['src/outputs/webhooks.ts', '../events/botEvents.js'],
    ['src/control/channel.ts', '../events/botEvents.js'],
    ['src/control/channel.ts', '../util/log.js'],
    ['src/session/botCommands.ts', '../control/channel.js'],
    ['src/service/channels.ts', '../control/protocol.js'],
    ['bench/run.ts', '../fixtures/mock/server.js'],
  ])('%s may import %s', async (file, target) => {
    expect(await problems(file, target)).toEqual([]);
  });
});
