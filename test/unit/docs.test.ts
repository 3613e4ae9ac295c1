import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_SECTIONS, renderDoc } from '../../scripts/docSections.js';
import { SUB_CODES } from '../../src/lifecycle/codes.js';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('documentation', () => {
  it('README starts with the demo and test commands', () => {
    const readme = read('README.md');
    const firstBlock = readme.slice(readme.indexOf('```'), readme.indexOf('```', readme.indexOf('```') + 3));
    expect(firstBlock).toMatch(/npm run demo/);
    expect(firstBlock).toMatch(/npm test/);
  });

  it.each(Object.keys(GENERATED_SECTIONS))('%s has its generated sections up to date (run `npm run docs`)', (file) => {
    const text = read(file);
    expect(renderDoc(file, text)).toBe(text);
  });

  it('docs/events.md documents every sub_code', () => {
    const events = read('docs/events.md');
    for (const code of SUB_CODES) expect(events).toContain(`\`${code}\``);
  });

  it('links only to documents that exist', () => {
    for (const file of ['README.md', 'CONTRIBUTING.md', 'docs/operations.md', 'docs/events.md', 'docs/outputs.md', 'docs/configuration.md', 'docs/architecture.md', 'docs/api.md']) {
      const base = new URL(`../../${file}`, import.meta.url);
      for (const [, target] of read(file).matchAll(/\]\(([^)#\s]+\.md)(?:#[^)]*)?\)/g)) {
        expect(() => readFileSync(new URL(target!, base)), `${file} links to ${target}`).not.toThrow();
      }
    }
  });
});
