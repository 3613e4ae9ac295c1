/**
 * Validation errors as the client sees them: each names the field path (`automatic_leave.silence_detection.timeout`,
 * `webhooks[0].url`, `(body)` for the body itself) and the reason in plain words. zod's issues are turned into
 * these here, so messages read the same whichever check produced them.
 */
import type { z } from 'zod';

export interface ConfigIssue {
  path: string;
  message: string;
}

/** A body field that was accepted but that the runtime does not act on (reported as one warning). */
export interface UnsupportedField {
  path: string;
  reason: string;
}

export const BODY_PATH = '(body)';
/** A hostile body can produce thousands of issues; nobody reads past the first hundred. */
export const MAX_REPORTED_ISSUES = 100;
const MAX_SHOWN_CHARS = 64;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function truncate(s: string, max = MAX_SHOWN_CHARS): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return BODY_PATH;
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
      continue;
    }
    const key = String(segment);
    out += IDENTIFIER.test(key) ? `${out ? '.' : ''}${key}` : `[${JSON.stringify(truncate(key))}]`;
  }
  return out;
}

/** How a value is named in "(got ...)": numbers and booleans by value, the rest by kind. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(truncate(value, 40));
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

const FORMATS: Record<string, string> = {
  datetime: 'must be an ISO-8601 date-time with a time zone, e.g. 2025-06-13T12:00:00Z',
  email: 'must be an email address',
  uuid: 'must be a UUID',
  url: 'must be a valid URL',
};

type RawIssue = z.core.$ZodRawIssue;

function sizeMessage(iss: RawIssue & { origin?: string; inclusive?: boolean }, bound: number, big: boolean): string {
  const got = iss.input;
  switch (iss.origin) {
    case 'string': {
      const length = typeof got === 'string' ? ` (got ${got.length})` : '';
      if (!big && bound === 1) return 'must not be empty';
      return `must be at ${big ? 'most' : 'least'} ${bound} characters${length}`;
    }
    case 'array':
      return `must have at ${big ? 'most' : 'least'} ${bound} item${bound === 1 ? '' : 's'}`;
    default: {
      const op = big ? (iss.inclusive === false ? '<' : '<=') : iss.inclusive === false ? '>' : '>=';
      return `must be ${op} ${bound} (got ${describeValue(got)})`;
    }
  }
}

/**
 * The per-parse zod error map. Schema-level messages (set with `{ error }` in schema.ts) take precedence; this
 * covers everything else. Returning undefined keeps zod's own message.
 */
export function zodMessage(iss: RawIssue): string | undefined {
  const i = iss;
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'is required';
      const expected = EXPECTED[String(i.expected)] ?? String(i.expected);
      const what = (iss.path?.length ?? 0) === 0 && i.expected === 'object' ? 'a JSON object' : expected;
      return `must be ${what} (got ${describeValue(iss.input)})`;
    }
    case 'too_small':
      return sizeMessage(i, Number(i.minimum), false);
    case 'too_big':
      return sizeMessage(i, Number(i.maximum), true);
    case 'invalid_value': {
      const values = (i.values as unknown[]).map((v) => JSON.stringify(v));
      const allowed = values.length === 1 ? `must be ${values[0]}` : `must be one of: ${values.join(', ')}`;
      return `${allowed} (got ${describeValue(iss.input)})`;
    }
    case 'invalid_format':
      return FORMATS[String(i.format)] ?? 'has an invalid format';
    case 'invalid_union':
      if (Array.isArray(i.options) && i.discriminator !== undefined) {
        return `must be one of: ${(i.options as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return 'does not match any allowed form';
    case 'unrecognized_keys': {
      const shape = (i.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
      const allowed = shape ? Object.keys(shape) : [];
      return allowed.length ? `Allowed fields are: ${allowed.join(', ')}.` : 'This object takes no fields.';
    }
    case 'invalid_key':
      return 'has an invalid key';
    default:
      return undefined;
  }
}

type FinalIssue = z.core.$ZodIssue;

/** A union whose input matched exactly one branch's type reports that branch's own issues, with their paths. */
function flattenUnion(issue: FinalIssue): FinalIssue[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  const typeMismatch = (branch: FinalIssue[]) =>
    branch.length === 1 &&
    branch[0]!.path.length === 0 &&
    (branch[0]!.code === 'invalid_type' || branch[0]!.code === 'invalid_value');
  const matching = issue.errors.filter((branch) => !typeMismatch(branch));
  if (matching.length !== 1) return [issue];
  return matching[0]!.flatMap((inner) =>
    flattenUnion({ ...inner, path: [...issue.path, ...inner.path] }),
  );
}

function recordKeyIssue(issue: FinalIssue & { code: 'invalid_key' }): ConfigIssue {
  const inner = issue.issues[0]?.message;
  return { path: formatPath(issue.path), message: inner ? `key ${inner}` : issue.message };
}

export function issuesFromZod(issues: readonly FinalIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues.flatMap(flattenUnion)) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const shown = IDENTIFIER.test(key) ? key : JSON.stringify(truncate(key));
        out.push({ path: formatPath([...issue.path, key]), message: `Unexpected field: ${shown}. ${issue.message}` });
      }
    } else if (issue.code === 'invalid_key') {
      out.push(recordKeyIssue(issue));
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
}

/** Drop duplicates and cap the list, saying how many were left out. */
export function finalizeIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length <= MAX_REPORTED_ISSUES) return unique;
  const shown = unique.slice(0, MAX_REPORTED_ISSUES);
  shown.push({ path: BODY_PATH, message: `${unique.length - MAX_REPORTED_ISSUES} more errors not shown` });
  return shown;
}

/** One line per error ("  - path: message"), for terminals and logs; the caller adds its own heading. */
export function formatConfigErrors(errors: readonly ConfigIssue[]): string {
  return errors.map((e) => `  - ${e.path}: ${e.message}`).join('\n');
}
