import type { FatalSubCode } from '../../src/lifecycle/codes.js';
import type { AdapterContext, ZoomJoinAccess, ZoomJoinTokens } from '../../src/platform/adapter.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { evaluateBounded, JOIN_POLL_MS, pageStep } from '../../src/platform/page.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { probeZoom, type ZoomProbeMemory } from './probe.js';

/**
 * Joining with Zoom tokens. ZAK, OBF and join tokens are Meeting SDK credentials: `ZoomMtg.join()` takes them as
 * `zak`, `obfToken` and `recordingToken` beside a signature of the operator's SDK app (developers.zoom.us, client
 * view; Attendee's zoom_web_chromedriver_page.js), and the plain web client takes none from its link (a Zoom
 * engineer, devforum.zoom.us/t/139075). So the bot opens its own page that loads the SDK's client view, served
 * on a loopback address as Attendee serves its own, with the SDK's scripts from Zoom's CDN (or the operator's
 * copy). The client view renders Zoom's web-client UI in that page, so the probe, the in-call steps and the leave
 * are the web client's; when it leaves the meeting it goes to the page's leave URL (ZoomMtg.init leaveUrl).
 */
/** Attendee tries an OBF join again every 5 s while Zoom says the authorising user is not in (ZOOM_ONBEHALF_TOKEN_RETRY_TIME_SECONDS). */
const RETRY_MS = 5000;
/** ZoomMtg.join answers within this, or the page shows a waiting room, the call or an end. */
const JOIN_ANSWER_MS = 60_000;
const STEP = 'join through the Zoom Meeting SDK';

/**
 * Zoom's Meeting SDK error codes (developers.zoom.us/docs/meeting-sdk/web/error-codes; 3712 "Signature is
 * invalid." as the devforum reports it) and the sub_code each ends the bot with.
 */
const SUB_CODE_OF_ERROR: Record<number, FatalSubCode> = {
  3704: 'zoom_invalid_signature', // the SDK key is not valid
  3705: 'zoom_invalid_signature', // the signature has expired
  3710: 'zoom_invalid_signature', // the SDK key is deactivated
  3712: 'zoom_invalid_signature',
  3265: 'zoom_invalid_join_token', // token error
  3623: 'zoom_invalid_join_token',
  3001: 'meeting_not_found',
  3610: 'meeting_not_found',
  3004: 'meeting_password_incorrect',
  3099: 'zoom_registration_required',
  3100: 'meeting_requires_sign_in',
  3603: 'zoom_web_disallowed',
  3611: 'zoom_web_disallowed',
};
/** "Meeting has not started": joined again until the host starts it (the wait-for-host rule bounds it). */
const NOT_STARTED = 3008;
/** With an OBF token, Zoom fails the join with code 1 (client view) or meeting status 4017 while the authorising user is out (Attendee). */
const AUTHORIZER_ABSENT = [1, 4017];

/** What the page keeps of its join (window.meetbotZoom). */
interface SdkState {
  outcome: 'pending' | 'joined' | 'failed';
  code: number | null;
  reason: string;
  /** errorCode of the last onMeetingStatus event. */
  statusCode: number | null;
}

interface AttemptInput {
  zoom: ZoomJoinAccess;
  page: { url: string; leftUrl: string };
  tokens: ZoomJoinTokens;
  meetingNumber: string;
}

interface SdkJoinArgs {
  leaveUrl: string;
  signature: string;
  sdkKey: string;
  meetingNumber: string;
  passWord: string;
  userName: string;
  tk: string;
  zak: string;
  obfToken: string;
  recordingToken: string;
}

/** False when the body's URLs gave no token (404s): the bot then joins the web client as a guest. */
export async function joinWithTokens(ctx: AdapterContext, zoom: ZoomJoinAccess, seen: ZoomProbeMemory): Promise<boolean> {
  await ctx.untilJoinTime();
  const first = await zoom.tokens(0);
  if (!first.zak && !first.obf && !first.joinToken) return false;
  const meetingNumber = ctx.meeting.meeting_id;
  if (!/^\d{9,11}$/.test(meetingNumber)) {
    throw new JoinStepError(STEP, [], 'meeting_link_invalid', 'the Meeting SDK joins by meeting number, and a personal link (/my/<name>) has none');
  }
  const page = await zoom.sdk.page();
  seen.sdk = { leftUrl: page.leftUrl, pageOrigin: new URL(page.url).origin, obf: first.obf !== null };
  let absentSince: number | null = null;
  for (let attempt = 0, tokens = first; !ctx.signal.aborted; tokens = await zoom.tokens(++attempt)) {
    seen.sdk.obf = tokens.obf !== null;
    const state = await pageStep(ctx, STEP, () => attemptJoin(ctx, { zoom, page, tokens, meetingNumber }, seen));
    if (state.outcome !== 'failed') return true;
    const codes = [state.code, state.statusCode];
    const absent = tokens.obf !== null && codes.some((c) => c !== null && AUTHORIZER_ABSENT.includes(c));
    if (absent || state.code === NOT_STARTED) {
      absentSince = absent ? (absentSince ?? Date.now()) : null;
      if (absentSince !== null && Date.now() - absentSince >= zoom.authorizedUserTimeoutMs) {
        throw new JoinStepError(STEP, [], 'zoom_authorized_user_not_in_meeting', `Zoom still says the user who authorised the OBF token is not in the meeting after ${Math.round((Date.now() - absentSince) / 1000)} s`);
      }
      ctx.log.debug('Zoom will not admit the bot yet: joining again', { code: state.code, status_code: state.statusCode, reason: state.reason, attempt });
      ctx.onScreen({ phase: 'waiting_for_host', ...(absent ? { unstartedMeans: 'zoom_authorized_user_not_in_meeting' as const } : {}) });
      await sleep(RETRY_MS);
      continue;
    }
    throw new JoinStepError(STEP, [], SUB_CODE_OF_ERROR[state.code ?? -1] ?? 'bot_errored', `ZoomMtg.join failed with ${state.code ?? 'no code'}: ${state.reason || 'no reason given'}`);
  }
  return true;
}

/**
 * One join: a fresh SDK page, `ZoomMtg.init` then `ZoomMtg.join`, and the answer: joined (or the page already
 * shows a waiting room, the call or an end: the session's loop reads those), or the error Zoom gave.
 */
async function attemptJoin(ctx: AdapterContext, join: AttemptInput, seen: ZoomProbeMemory): Promise<SdkState> {
  const { zoom, page, tokens, meetingNumber } = join;
  await withTimeout(ctx.page.goto(page.url, { waitUntil: 'load', timeout: ctx.stepTimeoutMs }), ctx.stepTimeoutMs + 1000, 'open the Meeting SDK page');
  const args: SdkJoinArgs = {
    leaveUrl: page.leftUrl,
    signature: zoom.sdk.signature(meetingNumber),
    sdkKey: zoom.sdk.key,
    meetingNumber,
    passWord: ctx.meeting.password ?? '',
    userName: ctx.botName,
    tk: new URL(ctx.meeting.join_url).searchParams.get('tk') ?? '',
    zak: tokens.zak ?? '',
    obfToken: tokens.obf ?? '',
    recordingToken: tokens.joinToken ?? '',
  };
  const problem = await evaluateBounded(ctx.page, startSdkJoin, args, ctx.stepTimeoutMs, 'start ZoomMtg.join');
  if (problem) throw new JoinStepError(STEP, [], 'bot_errored', problem);
  const deadline = Date.now() + JOIN_ANSWER_MS;
  while (!ctx.signal.aborted) {
    const state = await evaluateBounded(ctx.page, readSdkState, undefined, ctx.stepTimeoutMs, 'read the Meeting SDK join');
    if (state && state.outcome !== 'pending') return state;
    if (state?.statusCode !== null && state?.statusCode !== undefined && AUTHORIZER_ABSENT.includes(state.statusCode)) return { ...state, outcome: 'failed' };
    const phase = (await probeZoom(ctx, seen)).state.phase;
    if (phase === 'waiting_room' || phase === 'waiting_for_host' || phase === 'in_call' || phase === 'ended') return { outcome: 'joined', code: null, reason: '', statusCode: null };
    if (Date.now() > deadline) throw new JoinStepError(STEP, [], 'join_step_timeout', `ZoomMtg.join gave no answer within ${JOIN_ANSWER_MS / 1000} s`);
    await sleep(JOIN_POLL_MS);
  }
  return { outcome: 'pending', code: null, reason: '', statusCode: null };
}

/** In the page: starts the join and keeps its answer in window.meetbotZoom; a message when the SDK is missing. */
function startSdkJoin(a: SdkJoinArgs): string | null {
  type Callbacks = { success: () => void; error: (e: unknown) => void };
  type ZoomMtg = {
    preLoadWasm(): void;
    prepareWebSDK(): void;
    init(o: Record<string, unknown> & Callbacks): void;
    join(o: Record<string, unknown> & Callbacks): void;
    inMeetingServiceListener(event: string, fn: (data: { errorCode?: unknown }) => void): void;
  };
  const w = window as unknown as { ZoomMtg?: ZoomMtg; meetbotZoom?: SdkState };
  const state: SdkState = { outcome: 'pending', code: null, reason: '', statusCode: null };
  w.meetbotZoom = state;
  const Z = w.ZoomMtg;
  if (!Z) return 'the Zoom Meeting SDK did not load';
  const failed = (e: unknown) => {
    const err = (e ?? {}) as { errorCode?: unknown; reason?: unknown; errorMessage?: unknown; result?: unknown };
    state.outcome = 'failed';
    state.code = typeof err.errorCode === 'number' ? err.errorCode : null;
    state.reason = [err.reason, err.errorMessage, err.result].find((v): v is string => typeof v === 'string') ?? '';
  };
  Z.preLoadWasm();
  Z.prepareWebSDK();
  const { leaveUrl, ...join } = a;
  Z.init({
    leaveUrl,
    patchJsMedia: true,
    leaveOnPageUnload: true,
    disablePreview: true,
    success: () =>
      Z.join({
        ...join,
        userEmail: '',
        success: () => void (state.outcome = 'joined'),
        error: failed,
      }),
    error: failed,
  });
  Z.inMeetingServiceListener('onMeetingStatus', (data) => {
    if (typeof data?.errorCode === 'number') state.statusCode = data.errorCode;
  });
  return null;
}

function readSdkState(): SdkState | null {
  return (window as unknown as { meetbotZoom?: SdkState }).meetbotZoom ?? null;
}
