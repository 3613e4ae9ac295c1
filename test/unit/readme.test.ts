import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../../scripts/readmeSections.js';
import { SUB_CODES } from '../../src/lifecycle/codes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the demo and test commands', () => {
    const firstBlock = readme.slice(readme.indexOf('```'), readme.indexOf('```', readme.indexOf('```') + 3));
    expect(firstBlock).toMatch(/npm run demo/);
    expect(firstBlock).toMatch(/npm test/);
  });

  it('has its generated sections up to date (run `npm run docs`)', () => {
    expect(renderReadme(readme)).toBe(readme);
  });

  it('documents every sub_code', () => {
    for (const code of SUB_CODES) expect(readme).toContain(`\`${code}\``);
  });
});
