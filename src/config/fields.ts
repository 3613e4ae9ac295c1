/**
 * Building blocks of the Create Bot schema: field documentation (description + documented default, both
 * published in the JSON Schema) and the value shapes both APIs share (URLs by scheme, base64, seconds).
 */
import { z } from 'zod';

/** Describe a field and, when the API documents one, its default (published as JSON Schema `default`). */
export function doc<T extends z.ZodType>(schema: T, description: string, documentedDefault?: unknown): T {
  const withDefault = documentedDefault === undefined ? schema : schema.meta({ default: documentedDefault });
  return withDefault.describe(description);
}

export const MAX_URL = 2048;
/** Bounds meetbot adds where the APIs document none: they keep hostile bodies cheap, not real ones out. */
export const MAX_LIST = 100;
export const MAX_SHORT_TEXT = 256;

export function url(schemes: string[], what: string) {
  const protocol = new RegExp(`^(?:${schemes.join('|')})$`);
  const shown = schemes.map((s) => `${s}://`).join(' or ');
  return z.url({ protocol, error: `must be a valid ${shown} URL${what ? ` (${what})` : ''}` }).max(MAX_URL);
}
export const httpsUrl = (what = '') => url(['https'], what);
/** Outgoing notification targets: http is accepted here and limited to loopback receivers by crossChecks. */
export const notifyUrl = () => url(['https', 'http'], 'http only for a loopback receiver with the operator switch');
export const wsUrl = () => url(['wss', 'ws'], '');

export const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export const base64 = (max: number) =>
  z.string().min(4).max(max).regex(BASE64, { error: 'must be standard base64 (A-Z, a-z, 0-9, +, /, = padding)' });

/** Attendee rejects characters above U+FFFF (emoji, rare scripts); in JS strings they are surrogate pairs. */
export const BMP_ONLY = /^[^\uD800-\uDFFF]*$/;
export const BMP_ERROR = 'must not contain emojis or other characters above U+FFFF';
/** C0/C1 controls, line and paragraph separators, and the bidi overrides that make a name read backwards. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
export const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/;
/** Text a person can see: not only spaces and zero-width characters. */
export const hasVisibleText = (s: string) => s.replace(/[\s\u200b-\u200f\u2060-\u2064\ufeff]/g, '').length > 0;

export const seconds = (min: number) => z.int().min(min);
/** Attendee: "<param> must be a positive integer". */
export const positiveInt = () =>
  z.int({ error: 'must be a positive integer' }).min(1, { error: 'must be a positive integer' });

export const stringMap = (maxKeys: number, maxValue: number) =>
  z
    .record(z.string().min(1).max(MAX_SHORT_TEXT), z.string().max(maxValue))
    .refine((m) => Object.keys(m).length <= maxKeys, { error: `must have at most ${maxKeys} keys` });

/** A Recall media switch: `{}` turns it on, null (the default for most) leaves it off. */
export const mediaSwitch = (description: string, documentedDefault: unknown = null) =>
  doc(z.strictObject({}).nullable().optional(), description, documentedDefault);
