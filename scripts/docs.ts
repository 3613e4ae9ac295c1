import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_SECTIONS, renderDoc } from './docSections.js';

// Rewrites the generated sections of docs/ (configuration reference, sub_codes) from the code.
for (const file of Object.keys(GENERATED_SECTIONS)) {
  const path = new URL(`../../${file}`, import.meta.url);
  writeFileSync(path, renderDoc(file, readFileSync(path, 'utf8')));
}
