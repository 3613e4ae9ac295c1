// ESLint: typescript-eslint's type-aware rules, and the layering of CONTRIBUTING.md as import rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

/**
 * The layers of src/, lowest first. A folder may import its own layer and the ones below, never a layer above
 * (listed in `above`). Folders are matched anywhere in an import path, so `../capture/recorder.js` and
 * `../../src/capture/recorder.js` are both `capture`.
 */
const LAYERS = [
  { folders: ['util'], above: ['config', 'meetingUrl', 'lifecycle', 'process', 'events', 'account', 'control', 'capture', 'rules', 'browser', 'outputs', 'platform', 'stage', 'session', 'service'] },
  { folders: ['config', 'meetingUrl', 'lifecycle', 'process'], above: ['events', 'account', 'control', 'capture', 'rules', 'browser', 'outputs', 'platform', 'stage', 'session', 'service'] },
  { folders: ['events'], above: ['process', 'account', 'control', 'capture', 'rules', 'browser', 'outputs', 'platform', 'stage', 'session', 'service'] },
  // A signed-in bot's account and a Zoom bot's tokens: the credential, its session in a browser, the token fetches.
  { folders: ['account'], above: ['process', 'control', 'capture', 'rules', 'browser', 'outputs', 'platform', 'stage', 'session', 'service'] },
  // The command channel between a bot and the service: the session (the bot's end) and the service use it.
  { folders: ['control'], above: ['process', 'capture', 'rules', 'browser', 'outputs', 'platform', 'stage', 'session', 'service'] },
  { folders: ['capture'], above: ['events', 'control', 'rules', 'browser', 'outputs', 'platform', 'stage', 'session', 'service'] },
  { folders: ['rules'], above: ['process', 'events', 'control', 'capture', 'browser', 'outputs', 'platform', 'stage', 'session', 'service'] },
  { folders: ['outputs'], above: ['process', 'control', 'capture', 'rules', 'browser', 'platform', 'stage', 'session', 'service'] },
  { folders: ['browser'], above: ['events', 'control', 'rules', 'outputs', 'platform', 'stage', 'session', 'service'] },
  // Adapters' toolkit: it knows pages, not capture, outputs or the session.
  { folders: ['platform'], above: ['process', 'events', 'control', 'capture', 'rules', 'browser', 'outputs', 'stage', 'session', 'service'] },
  // The recording's picture, drawn in the meeting page from the adapter's tiles; the session shows it.
  { folders: ['stage'], above: ['process', 'events', 'control', 'capture', 'rules', 'browser', 'outputs', 'session', 'service'] },
  { folders: ['session'], above: ['service'] },
  // The API service (issue 16) talks to bots only through their command channel, never to a session's insides.
  { folders: ['service'], above: ['session', 'platform', 'stage', 'capture', 'browser', 'rules', 'outputs'] },
];

const folderPattern = (folder) => [`**/${folder}/**`, `**/${folder}`];
const NOT_PRODUCTION = {
  group: [...folderPattern('test'), ...folderPattern('fixtures'), ...folderPattern('bench'), ...folderPattern('scripts')],
  message: 'production code never imports tests, mock meetings, the bench or scripts',
};
const ONLY_REGISTRY = { group: folderPattern('platforms'), message: 'only src/platform/registry.ts imports platform adapters' };

/** @returns {import('eslint').Linter.RulesRecord} */
function restrict(...patterns) {
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const layerConfigs = LAYERS.flatMap(({ folders, above }) =>
  folders.map((folder) => ({
    name: `layers/${folder}`,
    files: [`src/${folder}/**/*.ts`],
    rules: restrict(
      { group: above.flatMap(folderPattern), message: `src/${folder} sits below these layers (CONTRIBUTING.md, "Layers")` },
      NOT_PRODUCTION,
      ONLY_REGISTRY,
    ),
  })),
);

/** The import rules that keep the layers (exported for the unit test that proves they bite). */
/** @type {import('eslint').Linter.Config[]} */
export const layering = [
  { name: 'cli-imports', files: ['src/*.ts'], rules: restrict(NOT_PRODUCTION, ONLY_REGISTRY) },
  ...layerConfigs,
  { name: 'layers/registry', files: ['src/platform/registry.ts'], rules: restrict(NOT_PRODUCTION) },
  {
    name: 'layers/platforms',
    files: ['platforms/**/*.ts'],
    rules: restrict(
      {
        group: ['process', 'events', 'control', 'capture', 'rules', 'browser', 'outputs', 'stage', 'session', 'service', 'meetingUrl'].flatMap(folderPattern),
        message: 'adapters know pages only: src/platform, src/util and the spec and code types (CONTRIBUTING.md, "Layers")',
      },
      { group: ['../*/**', '!../../**'], message: 'one platform never imports another' },
      NOT_PRODUCTION,
    ),
  },
  {
    name: 'layers/tools',
    files: ['bench/**/*.ts', 'scripts/**/*.ts', 'fixtures/**/*.ts'],
    rules: restrict({ group: folderPattern('test'), message: 'the bench, scripts and fixtures never import tests' }),
  },
];

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'out/', 'test-output/', 'bench/results/'] },
  js.configs.recommended,
  {
    name: 'typescript',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Page functions run in the browser and come back as `any` from Playwright's evaluate.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    name: 'runtime',
    files: ['src/**/*.ts', 'platforms/**/*.ts'],
    rules: {
      // stdout carries only events; logs go through util/log.ts.
      'no-console': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'only src/cli.ts ends the process' }],
    },
  },
  { name: 'cli', files: ['src/cli.ts'], rules: { 'no-restricted-properties': 'off' } },
  {
    name: 'tests',
    files: ['test/**/*.ts'],
    rules: {
      // Fakes stand in for async collaborators and often have nothing to await.
      '@typescript-eslint/require-await': 'off',
      // Tests read the bot's JSON outputs (events, manifests, webhook bodies) as parsed and assert on them.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  ...layering,
  {
    name: 'browser-pages',
    files: ['fixtures/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
