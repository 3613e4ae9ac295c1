import { CALL_ENDED_SUB_CODES, FATAL_SUB_CODES, PROGRESS_SUB_CODES, SUB_CODE_DOCS, type SubCode } from '../src/lifecycle/codes.js';
import { configReferenceMarkdown } from '../src/config/reference.js';

/**
 * Sections of docs/ generated from code, so the documentation cannot drift from what the runtime does:
 * `npm run docs` rewrites them and a unit test fails when they are stale. File → marker name → renderer.
 */
export const GENERATED_SECTIONS: Record<string, Record<string, () => string>> = {
  'docs/configuration.md': { 'config-reference': configReferenceMarkdown },
  'docs/events.md': { 'sub-codes': subCodesTable },
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

/** The file's text with each of its generated sections rendered anew between its markers. */
export function renderDoc(file: string, text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(GENERATED_SECTIONS[file] ?? {})) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${file} lacks the ${start} ... ${end} markers`);
    out = `${out.slice(0, i + start.length)}\n${render().trim()}\n${out.slice(j)}`;
  }
  return out;
}
