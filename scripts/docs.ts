import { readFileSync, writeFileSync } from 'node:fs';
import { renderReadme } from './readmeSections.js';

// Rewrites the generated sections of README.md (sub_codes, configuration reference) from the code.
const path = new URL('../../README.md', import.meta.url);
writeFileSync(path, renderReadme(readFileSync(path, 'utf8')));
