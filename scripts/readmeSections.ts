import { CALL_ENDED_SUB_CODES, FATAL_SUB_CODES, PROGRESS_SUB_CODES, SUB_CODE_DOCS, type SubCode } from '../src/lifecycle/codes.js';
import { configReferenceMarkdown } from '../src/config/reference.js';

/**
 * README sections generated from code, so the documentation cannot drift from what the runtime does:
 * `npm run docs` rewrites them and a unit test fails when they are stale.
 */
export const GENERATED_SECTIONS: Record<string, () => string> = {
  'sub-codes': subCodesTable,
  'config-reference': configReferenceMarkdown,
};

function subCodesTable(): string {
  const rows = (status: string, codes: readonly SubCode[]) => codes.map((c) => `| \`${c}\` | ${status} | ${SUB_CODE_DOCS[c]} |`);
  return [
    '| sub_code | with status | meaning |',
    '|---|---|---|',
    ...rows('`call_ended`', CALL_ENDED_SUB_CODES),
    ...rows('`fatal`', FATAL_SUB_CODES),
    ...rows('progress', PROGRESS_SUB_CODES),
  ].join('\n');
}

export function renderReadme(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(GENERATED_SECTIONS)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
    out = `${out.slice(0, i + start.length)}\n${render().trim()}\n${out.slice(j)}`;
  }
  return out;
}
