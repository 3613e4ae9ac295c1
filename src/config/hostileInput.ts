/**
 * Checks every key and string of a body, at any depth, for what no field's schema looks at: keys that
 * pollute prototypes (`__proto__`, `constructor`, `prototype`; the free-form maps such as metadata or
 * zoom_settings.meeting_settings would otherwise carry them into the runtime), strings that are not valid
 * UTF-16 (a lone surrogate, which JSON's \ud800 escape can produce and which Chromium, X11 and ffmpeg
 * would each mangle differently), NUL characters, and nesting deeper than any real body.
 */
import { formatPath, type ConfigIssue } from './errors.js';

/** The deepest real body is recording_config.realtime_endpoints[i].metadata.<key> (5 levels). */
export const MAX_DEPTH = 32;
/** Beyond this many keys and values the walk stops: the schema's own bounds report such a body anyway. */
const MAX_NODES = 200_000;
const POLLUTING_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringIssue(s: string): string | null {
  if (LONE_SURROGATE.test(s)) return 'is not valid Unicode text (it holds a lone UTF-16 surrogate)';
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  return null;
}

export function hostileInputIssues(body: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  let nodes = 0;
  // Iterative, so a body nested a million levels deep cannot overflow the stack here.
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: body, path: [] }];
  while (stack.length > 0 && nodes < MAX_NODES) {
    const { value, path } = stack.pop()!;
    nodes++;
    if (typeof value === 'string') {
      const why = stringIssue(value);
      if (why) issues.push({ path: formatPath(path), message: why });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_DEPTH) {
      issues.push({ path: formatPath(path), message: `is nested too deeply (more than ${MAX_DEPTH} levels)` });
      continue;
    }
    const entries: [PropertyKey, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = [...path, key];
      if (typeof key === 'string') {
        if (POLLUTING_KEYS.has(key)) {
          issues.push({ path: formatPath(childPath), message: `is not allowed: "${key}" is a reserved key (prototype pollution)` });
          continue;
        }
        const why = stringIssue(key);
        if (why) {
          issues.push({ path: formatPath(childPath), message: `key ${why}` });
          continue;
        }
      }
      stack.push({ value: child, path: childPath });
    }
  }
  return issues;
}
