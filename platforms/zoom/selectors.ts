/**
 * Zoom's web client, as public bots met it (shared/reference/platforms.md, section 2). Ids first (they are
 * locale-independent), then classes and aria-labels, then texts.
 */

/** The client renders in the main frame (/wc/<id>/join) or inside an iframe (PWA shell, older flows). */
export const CLIENT_IFRAMES = ['iframe.pwa-webclient__iframe', 'iframe#webclient'];

export const COOKIE_BUTTONS = ['#onetrust-reject-all-handler', '#onetrust-accept-btn-handler', 'button:has-text("Accept Cookies")'];
export const TERMS_AGREE = ['#wc_agree1'];
/** Device permission dialog, shown up to twice (camera+mic, then mic). Vexa allows when it can. */
export const PERMISSION_BUTTONS = [
  'button:has-text("Allow")',
  '.continue-without-mic-camera',
  'button:has-text("Continue without microphone and camera")',
  '[role="button"]:has-text("Continue without microphone and camera")',
];

/** A personal link's landing page launches the desktop app and offers the browser underneath (ScreenApp). */
export const JOIN_FROM_BROWSER = ['a:has-text("Join from your browser")', '[role="button"]:has-text("Join from your browser")', 'a[href*="/wc/"][href*="/join"]'];

export const NAME_INPUT = ['#input-for-name', '#inputname', 'input[placeholder="Your Name" i]'];
export const PASSCODE_INPUT = ['#input-for-pwd', 'input[placeholder*="passcode" i]', 'input[placeholder*="password" i]', 'input[type="password"]'];
/** Join stays disabled until a name is typed. */
export const JOIN_BUTTON = ['button.preview-join-button', '#joinBtn', 'button:has-text("Join")'];
/** Preview toggles while live: the label names the action. */
export const PREVIEW_MIC_LIVE = ['#preview-audio-control-button[aria-label="Mute"]'];
export const PREVIEW_CAMERA_LIVE = ['#preview-video-control-button[aria-label="Stop Video"]'];

/**
 * The footer audio button: "Join Audio" before computer audio is joined, then the microphone toggle, labelled
 * "Mute"/"Unmute" (Vexa) or "mute my microphone"/"unmute my microphone" (Meeting BaaS, Attendee): a click on it
 * once audio is joined changes the microphone, so its label is read before any click.
 */
export const FOOTER_AUDIO = ['button.join-audio-container__btn', 'button[aria-label*="join audio" i]', '#wc-footer button[aria-label*="mute" i]'];
export const JOIN_AUDIO_BY_COMPUTER = [
  'button:has-text("Join Audio by Computer")',
  'button:has-text("Join with Computer Audio")',
];
/**
 * In-call notices and their buttons. The end modal is a `.zm-modal` with OK too (meetingbot): a notice is only
 * dismissed once its own text is read and is not an end (ScreenApp reads the end markers before any OK).
 */
export const INCALL_NOTICES = ['.ReactModal__Content', '.zm-modal', '.relative-tooltip'];
export const NOTICE_BUTTONS = ['button:has-text("OK")', 'button:has-text("Got it")'];

export const CHAT_OPEN = ['button[aria-label*="chat panel" i]'];
export const CHAT_INPUT = [
  '.chat-rtf-box__editor-outer [contenteditable="true"]',
  '.tiptap.ProseMirror[contenteditable="true"]',
  'textarea.chat-box__chat-textarea',
];
export const CHAT_SEND = ['button[aria-label="send"]', 'button[class*="chat-rtf-box__send"]'];

/** Leave, then confirm with the danger button (its aria-label is empty, so the class). Never "End for All". */
export const LEAVE = ['[footer-section="right"] button[aria-label="Leave"]', 'button[aria-label="Leave"]', '.footer__leave-btn'];
export const LEAVE_CONFIRM = ['button.leave-meeting-options__btn--danger', 'button:has-text("Leave Meeting")'];

/** Plain CSS and texts for the in-frame probe. */
export const PROBE = {
  errorTitle: 'Error - Zoom',
  invalidLink: ['This meeting link is invalid', 'Invalid meeting ID', 'meeting ID is not valid'],
  passcodeWrong: ['Passcode wrong', 'Wrong passcode', 'incorrect passcode'],
  rtmsWall: ['We detected you may be a bot', "Automated bots aren't allowed to join this meeting"],
  signIn: ['sign in to join this meeting', 'authentication is required', 'only authenticated users can join', 'this meeting requires authentication', 'The host requires authentication'],
  browserBlocked: ['your organization has disabled access to Zoom from the browser'],
  registration: ['register for this meeting', 'Registration is required'],
  endedByHost: ['This meeting has been ended by host', 'ended by the host', 'host ended the meeting'],
  endedOther: ['meeting has ended'],
  endedCss: ['div[aria-label="Meeting is end now"]'],
  /** A meeting left behind: off the Zoom domain or on its sign-in page (Vexa, Meeting BaaS end on both). */
  zoomHost: '(^|\\.)zoom\\.(us|com)$',
  signInPath: '^/(signin|login)',
  removed: ['You have been removed', 'removed from the meeting'],
  waitingForHost: ['Waiting for the host to start this meeting', 'Waiting for the host to start the meeting', 'waiting for the host to start'],
  lobby: ['Please wait, the meeting host will let you in soon', "Host has joined. We've let them know you're here", 'waiting room'],
  captchaCss: ['iframe[src*="recaptcha"]', 'iframe[title*="reCAPTCHA"]'],
  preJoinCss: ['#input-for-name', '#inputname', 'button.preview-join-button', '#joinBtn'],
  leaveCss: 'button[aria-label="Leave"]',
  footerCss: [
    'button[aria-label*="Leave"]', '.footer__leave-btn', 'button.join-audio-container__btn', 'button.send-video-container__btn',
    'button[aria-label*="participants list"]', 'button[aria-label*="chat panel"]', '#wc-footer', '.footer-button-base__button',
  ],
  meetingApp: '.meeting-app',
  tile: '.video-avatar__avatar',
  /** Legacy speaker view, then today's single-main / single-suspension frames (Meeting BaaS forensics 2026-07). */
  activeSpeaker: '.speaker-active-container__video-frame, .speaker-bar-container__video-frame--active, .single-main-container__video-frame, .gallery-video-container__video-frame--active',
  /** The footer's count while waiting for the host reads "0 participants" (ScreenApp): no one is there. */
  footerCount: '#wc-footer',
  tileName: '.video-avatar__avatar-footer',
  chatMessage: '.new-chat-message__container',
  chatSender: '.chat-item__sender',
  chatText: ['.new-chat-message__text-box', '.chat-rtf-box__display'],
  chatToast: '[class*="notification-message"]',
} as const;

/**
 * The call's tiles for the recording's picture (2.5): `.video-avatar__avatar` named in its footer; the active
 * speaker is the tile inside the speaker frame. Zoom may draw video into one canvas behind the tiles: the
 * runtime then takes each tile's part of that canvas. No peer documents how a share shows in the tiles, so
 * none is told apart (a share stays whatever tile Zoom puts it in).
 */
export const TILES = {
  tile: PROBE.tile,
  name: [{ css: PROBE.tileName }],
  self: null,
  speaking: PROBE.activeSpeaker,
  screenshare: null,
} as const;
