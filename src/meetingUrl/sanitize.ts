/**
 * Input hygiene before any URL parsing: the text a client pasted is trimmed, length-capped and checked for
 * characters that make browsers and parsers disagree, and for a second URL glued or encoded into the first
 * (Attendee's sanitiser checks the raw text, up to three URL-unquoted rounds and base64-decoded runs).
 */
import { Buffer } from 'node:buffer';
import { MeetingUrlError } from './MeetingUrlError.js';

export const MAX_MEETING_URL_LENGTH = 2048;

/** C0/C1 controls, every kind of space, zero-width and bidi marks: none belongs inside a link. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const INVISIBLE = /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/;
const SCHEME_PREFIX = /^([a-z][a-z0-9+.-]*):/i;
const URL_MARK = /[a-z][a-z0-9+.-]*:\/\//gi;
const SCRIPT_SCHEME = /(?:^|[^a-z0-9])(?:javascript|vbscript|data|file|blob):/i;
const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const UNQUOTE_ROUNDS = 3;

/** One round of URL-unquoting; malformed escapes stay as written (never throws, unlike decodeURIComponent). */
export function percentDecode(s: string): string {
  return s.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The raw text and up to three URL-unquoted versions of it (stopping once unquoting changes nothing). */
function unquotedVariants(s: string): string[] {
  const out = [s];
  let current = s;
  for (let round = 0; round < UNQUOTE_ROUNDS; round++) {
    const next = percentDecode(current);
    if (next === current) break;
    out.push(next);
    current = next;
  }
  return out;
}

function hidesAnotherUrl(text: string, allowedMarks: number): boolean {
  return (text.match(URL_MARK)?.length ?? 0) > allowedMarks || SCRIPT_SCHEME.test(text);
}

/** Refuse a link that carries a second URL, plainly, percent-encoded (up to three rounds) or in base64. */
export function assertSingleUrl(url: string): void {
  for (const variant of unquotedVariants(url)) {
    if (hidesAnotherUrl(variant, 1)) throw new MeetingUrlError('contains more than one URL');
    for (const run of variant.match(BASE64_RUN) ?? []) {
      const decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
      if (hidesAnotherUrl(decoded, 0)) throw new MeetingUrlError('contains another URL hidden in base64');
    }
  }
}

/**
 * Trim, strip the `<...>` or trailing `>` of e-mail clients, refuse what cannot be a link and add `https://` to
 * a bare `host/path`. Returns [what the client gave (trimmed), the text to parse]. The single-URL check is the
 * caller's, after it has unwrapped a Safe Links wrapper (which carries a second URL by design).
 */
export function cleanMeetingUrl(raw: unknown): [original: string, candidate: string] {
  if (typeof raw !== 'string')
    throw new MeetingUrlError(`must be a string (got ${raw === null ? 'null' : typeof raw})`);
  let s = raw.trim();
  if (s.length > MAX_MEETING_URL_LENGTH) {
    throw new MeetingUrlError(`is too long (${s.length} characters; at most ${MAX_MEETING_URL_LENGTH})`);
  }
  if (s.endsWith('>')) s = s.slice(0, -1).trim();
  if (s.startsWith('<')) s = s.slice(1).trim();
  if (!s) throw new MeetingUrlError('is empty');
  if (INVISIBLE.test(s)) throw new MeetingUrlError('contains whitespace or control characters');
  if (s.includes('\\')) throw new MeetingUrlError('contains a backslash');

  const scheme = SCHEME_PREFIX.exec(s)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'https' && scheme !== 'http') {
    throw new MeetingUrlError(`uses the "${scheme}:" scheme; meeting links must start with https://`);
  }
  const candidate = scheme === undefined ? `https://${s}` : s;
  if (scheme !== undefined && !/^https?:\/\//i.test(s))
    throw new MeetingUrlError('is not a valid URL (expected https://...)');
  return [s, candidate];
}

/** The authority exactly as written (WHATWG URL hides `@` without credentials and rewrites numeric hosts). */
export function rawAuthority(candidate: string): string {
  const afterScheme = candidate.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return afterScheme.split(/[/?#]/, 1)[0] ?? '';
}
