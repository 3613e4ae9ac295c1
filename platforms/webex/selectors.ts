/**
 * Webex's web app, as public bots met it (shared/reference/platforms.md, section 3). Momentum `mdc-*` web
 * components render parts of the UI in open shadow roots; Playwright's CSS pierces them, the probe walks them.
 */

/** "Join your Webex meeting" chooser: newest markup first. */
export const CHOOSER_JOIN_BROWSER = [
  '#broadcom-center-right',
  '[data-test="join-browser-button"]',
  '[aria-label="Join from this browser"]',
  '[role="dialog"] #fallBkJoinByBrowser',
  '#fallBkJoinByBrowser',
];
export const PROBLEM_DIALOG_CLOSE = ['.el-dialog__wrapper:has-text("Problem joining from browser?") .el-dialog__close'];
/** The client: classic iframe, enterprise iframe, or (newer builds) the main frame. */
export const CLIENT_IFRAMES = ['iframe#unified-webclient-iframe', 'iframe[name="thinIframe"]'];
/** The client iframe a launch page may hold, hidden, before the chooser is passed (its src carries preload=true). */
export const PRELOADED_CLIENT = 'iframe#unified-webclient-iframe';

export const COOKIE_BUTTONS = [
  '#cookieMgmtbanner button:has-text("Reject")',
  '#cookie-banner-text button:has-text("Reject")',
  '.cookie-banner-body mdc-button >> nth=0',
  '#cookieMgmtbanner button:has-text("Accept")',
];
export const DIALOG_DISMISS = [
  'mdc-button:has-text("OK")',
  'button:has-text("OK")',
  'button[aria-label="Close dialog"]',
  'button:has-text("Reject")',
];
export const NO_CAMERA_DIALOG_TEXT = 'No camera found';

export const PASSWORD_INPUT = ['input[aria-label="Meeting password"]', '#password_validate_input', 'input[type="password"]'];
export const PASSWORD_NEXT = ['mdc-button[type="submit"]', '#password_validate_btn', 'button[type="submit"]'];
export const CAPTCHA = ['img[alt="Captcha image"]'];

export const NAME_INPUT = [
  'input[data-test="Name (required)"]',
  'mdc-input[data-test="Name"] input',
  'input[aria-labelledby="nameLabel"]',
  "input[autocomplete='name']",
];
export const EMAIL_INPUT = [
  'input[data-test="Email (required)"]',
  'mdc-input[data-test="Email"] input',
  'input[aria-labelledby="emailLabel"]',
  'input[type="email"]',
];
export const GUEST_NEXT = ['#guest_next-btn'];
/**
 * Media buttons: click only while the label says the device is live. The state is in `aria-label` on Momentum's
 * `mdc-button`, but also on plain buttons and in `data-aria-label`, `title` or the text (guest provider, LMA's
 * extension): every tag, every place.
 */
export const MIC_BUTTONS = ['[data-test="microphone-button"]', '[data-test="mute-button"]', '#audioControlButton', 'button[data-doi*="MUTE"]'];
export const MIC_LIVE_LABELS = ['mute', 'click to mute', 'currently unmuted'];
export const CAMERA_BUTTONS = ['[data-test="camera-button"]', '[data-test="video-button"]', 'button[data-doi*="STOP_VIDEO"]'];
export const STATE_ATTRIBUTES = ['aria-label', 'data-aria-label', 'title'];
export const CAMERA_LIVE_LABELS = ['stop video', 'turn off camera'];
export const JOIN_BUTTON = ['mdc-button[data-test="join-button"]', '[data-test="join-button"]', '#join-button', '#interstitial_join_btn', 'button[data-doi*="JOIN"]'];
export const ENABLED = ':not([disabled]):not([aria-disabled="true"])';

export const CHAT_OPEN = [
  'mdc-button[data-test="in-meeting-chat-toggle-button"]',
  '[data-test="in-meeting-chat-toggle-button"]',
  'button[data-doi="CHAT:OPEN_CHAT_PANEL:MENU_CONTROL_BAR"]',
  'button[aria-label="Chat panel"]',
];
export const CHAT_INPUT = ['.ql-editor[contenteditable="true"]', '#chat-panel > div > textarea', 'textarea[placeholder="Type your message here"]'];

/** No public bot documents Webex's leave control; help.webex.com names it "Leave meeting". */
export const LEAVE = ['mdc-button[aria-label="Leave meeting"]', 'button[aria-label="Leave meeting"]', '[data-test="leave-meeting-button"]'];
export const LEAVE_CONFIRM = ['[role="dialog"] mdc-button:has-text("Leave meeting")', '[role="dialog"] button:has-text("Leave meeting")'];

export const PROBE = {
  ended: ['This meeting has ended', 'Meeting has ended', 'The host ended the meeting', 'meeting ended', 'Meeting unavailable'],
  left: ['You have left the meeting', 'meeting disconnected'],
  removed: ['You have been removed from the meeting', 'removed you from the meeting'],
  wrongPassword: ['Incorrect password', 'wrong password', 'password is incorrect'],
  errorCss: ['[data-test="meeting-ended"]', '[class*="meeting-ended"]', '[class*="error-dialog"]', '[data-test*="error"]'],
  lobbyCss: ['[data-test="call_lobby_content"]', '[data-test*="lobby" i]'],
  lobby: ['Waiting in lobby', 'The host will let you in', 'You are in the lobby'],
  waitingForHost: ['Waiting for the host to start', 'Waiting for the host'],
  passwordCss: ['input[aria-label="Meeting password"]'],
  connecting: ['Connecting', 'Joining'],
  inMeetingCss: [
    '[data-test="grid-layout"]', '[data-test="participants-toggle-button"]', '[data-test="in-meeting-chat-toggle-button"]',
    '[data-test="mc-share"]', '[data-test="raise-hand-button"]', '[data-test="more-menu-button"]', '[data-test$="-video-pane-container"]',
  ],
  preJoinCss: ['[data-test="join-button"]', '#interstitial_join_btn', 'input[data-test="Name (required)"]', 'mdc-input[data-test="Name"]'],
  chooserCss: ['#broadcom-center-right', '#fallBkJoinByBrowser', '[data-test="join-browser-button"]'],
  names: ['[data-test="participant-name"]', '[class*="full-name"]'],
  speakerHalo: '.active-speaker-halo',
  speakerTile: 'li, [role="listitem"], .participants-list-item, .participants-video-tile, .participants-video-panel-wrapper, [data-test$="-video-pane-container"]',
  chatRows: ['#activity-list .activity-item', 'div[class^="style-chat-msg-container"]'],
  chatSender: ['.sender-name', 'h3[class^="style-chat-label"]'],
  chatBody: ['.activity-item-message', 'span[class^="style-chat-msg"]'],
} as const;

/**
 * The call's tiles for the recording's picture (3.5): `*-video-pane-container` tiles named by
 * `participant-name`, the bot's own being the self pane; the loudest carries the active-speaker halo. Webex
 * mixes a share into the video it sends (3.7), so no tile is a share.
 */
export const TILES = {
  tile: '[data-test$="-video-pane-container"]',
  name: [{ css: '[data-test="participant-name"]' }, { css: '[class*="full-name"]' }],
  self: '[data-test="self-video-pane-container"], [data-test="local_stream"]',
  speaking: PROBE.speakerHalo,
  screenshare: null,
} as const;
