import { createHmac } from 'node:crypto';

/**
 * The operator's Zoom Meeting SDK app (runtime settings, docs/configuration.md). Zoom's OBF, ZAK and join tokens
 * are Meeting SDK credentials: Zoom documents them as `ZoomMtg.join()` fields beside a JWT signed with the SDK
 * app's key and secret (developers.zoom.us, Meeting SDK for web, client view), and a Zoom engineer confirms the
 * plain web client takes no ZAK from its link (devforum.zoom.us/t/139075). A bot given tokens therefore joins
 * through the SDK's client view, loaded from `url` (Zoom's CDN by default) at `version`.
 */
export interface ZoomSdkSettings {
  key: string;
  secret: string;
  /** Where the SDK's scripts are: `<url><version>/lib/vendor/*.min.js` and `<url>zoom-meeting-<version>.min.js`. */
  url: string;
  version: string;
}

export const ZOOM_SDK_DEFAULTS = {
  url: 'https://source.zoom.us/',
  /** The version Attendee runs its Zoom web bots on (zoom_web_chromedriver_page.html); Zoom asks for 5.1.4 or newer. */
  version: '5.1.4',
} as const;

const VERSION = /^\d+\.\d+\.\d+$/;

/**
 * MEETBOT_ZOOM_SDK_KEY and MEETBOT_ZOOM_SDK_SECRET (both or neither), MEETBOT_ZOOM_SDK_URL and
 * MEETBOT_ZOOM_SDK_VERSION; null without a key. Throws a one-line error naming the variable.
 */
export function zoomSdkSettings(env: NodeJS.ProcessEnv): ZoomSdkSettings | null {
  const key = env.MEETBOT_ZOOM_SDK_KEY || null;
  const secret = env.MEETBOT_ZOOM_SDK_SECRET || null;
  if (key === null && secret === null) return null;
  if (key === null || secret === null) throw new Error('MEETBOT_ZOOM_SDK_KEY and MEETBOT_ZOOM_SDK_SECRET go together: set both or neither');
  const raw = env.MEETBOT_ZOOM_SDK_URL || ZOOM_SDK_DEFAULTS.url;
  if (!/^https?:$/.test(URL.parse(raw)?.protocol ?? '')) throw new Error(`MEETBOT_ZOOM_SDK_URL must be an http:// or https:// URL (got ${JSON.stringify(raw.slice(0, 100))})`);
  const version = env.MEETBOT_ZOOM_SDK_VERSION || ZOOM_SDK_DEFAULTS.version;
  if (!VERSION.test(version)) throw new Error(`MEETBOT_ZOOM_SDK_VERSION must look like 5.1.4 (got ${JSON.stringify(version.slice(0, 40))})`);
  return { key, secret, url: raw.endsWith('/') ? raw : `${raw}/`, version };
}

/** The SDK's script URLs in load order: its vendor libraries, then the client view. */
export function zoomSdkScripts(s: Pick<ZoomSdkSettings, 'url' | 'version'>): string[] {
  const vendor = ['react', 'react-dom', 'redux', 'redux-thunk', 'lodash'].map((lib) => `${s.url}${s.version}/lib/vendor/${lib}.min.js`);
  return [...vendor, `${s.url}zoom-meeting-${s.version}.min.js`];
}

/** A signature lives two hours, as Attendee's; issued 30 s in the past against clock skew (Zoom's samples). */
const LIFETIME_SEC = 2 * 3600;
const SKEW_SEC = 30;

/**
 * The Meeting SDK signature: an HS256 JWT with the SDK key, the meeting number and role 0 (join as an attendee),
 * signed with the SDK secret (developers.zoom.us, Meeting SDK auth; Attendee's zoom_meeting_sdk_signature).
 */
export function zoomSdkSignature(s: Pick<ZoomSdkSettings, 'key' | 'secret'>, meetingNumber: string, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000) - SKEW_SEC;
  const exp = iat + LIFETIME_SEC;
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ appKey: s.key, sdkKey: s.key, mn: meetingNumber, role: 0, iat, exp, tokenExp: exp })}`;
  return `${unsigned}.${createHmac('sha256', s.secret).update(unsigned).digest('base64url')}`;
}
