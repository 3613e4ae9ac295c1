import type { MeetingTarget, Platform } from '../config/botSpec.js';

/** What a platform's rules make of a link; parseMeetingUrl adds `original_url`. */
export type ParsedMeeting = Omit<MeetingTarget, 'original_url'>;

export interface PlatformUrlRules {
  platform: Platform;
  label: string;
  /** The hosts the platform uses, for error messages. */
  hosts: string;
  /** A word lookalike hosts borrow ("zoom" in zoom.us.evil.com), to name the imitated platform. */
  keyword: string;
  /** Whether a (lower-case, WHATWG-normalised) host belongs to the platform. */
  isHost(host: string): boolean;
  /**
   * Parse path and query. `loopback` means the operator switch let a local mock through: the path rules are
   * the same, but join_url keeps the loopback origin.
   */
  parse(url: URL, loopback: boolean): ParsedMeeting;
}

/** Collapse repeated slashes and drop a trailing one, so `/j//123/` reads as `/j/123`. */
export function canonicalPath(pathname: string): string {
  const collapsed = pathname.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/** A DNS label: letters, digits and inner hyphens. */
export const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
