/**
 * Microsoft Teams' web client as public bots met it (shared/reference/teams.md). Teams serves several client
 * variants per session (classic, new/v2, light), so every control is a list across them: `id` and `data-tid`
 * hooks first (locale-independent, stable for years), then `data-inp`/`data-cid`/roles, then aria-labels and
 * texts. Fluent UI's hashed classes churn every release and are never used.
 */

/** The launcher's "open in the browser" choice, in its button, link and data-tid forms (2.1). */
export const LAUNCHER_CONTINUE = [
  '[data-tid="joinOnWeb"]',
  'button[aria-label="Continue on this browser"]',
  'button[aria-label="Join meeting from this browser"]',
  'button[aria-label="Join on this browser"]',
  'button:has-text("Continue on this browser")',
  'a:has-text("Continue on this browser")',
  'button:has-text("Join on the web instead")',
  'a:has-text("Join on the web instead")',
  'button:has-text("Use the web app instead")',
  'a:has-text("Use the web app instead")',
  'button:has-text("Join from browser")',
];

/** "Continue without audio or video" (2.3): before the pre-join and again after Join now (Vexa #226, #467). */
export const AV_MODAL_CONTINUE = [
  '[role="dialog"] button:has-text("Continue without audio or video")',
  '[role="alertdialog"] button:has-text("Continue without audio or video")',
  'button[aria-label*="Continue without audio"]',
  'button:has-text("Continue without audio or video")',
];
/** The light client's permission gate: an OK some builds show beside the text (MBaaS). */
/** Any modal dialog (the AV modal is answered before this is asked). */
export const MODAL = ['[role="dialog"][aria-modal="true"]', '[role="alertdialog"]'];
export const PERMISSION_OK = ['[role="dialog"]:has-text("use your mic and camera") button:has-text("OK")'];

export const NAME_INPUT = [
  'input[data-tid="prejoin-display-name-input"]',
  '#prejoin-display-name',
  'input[placeholder="Type your name"]',
  'input[aria-label="Type your name"]',
];
/** Join now: disabled until a guest name is typed (MBaaS #335). */
export const JOIN_BUTTON = ['[data-tid="prejoin-join-button"]', '#prejoin-join-button', 'button[aria-label*="Join now"]', 'button:has-text("Join now")'];
export const ENABLED = ':not([disabled]):not([aria-disabled="true"])';
/**
 * The signed-in pre-join's avatar of the account: Fluent UI v9's Avatar is `role="img"` labelled with the person's
 * name (which avatar Teams puts there is an assumption). The bot is in the meeting under that name, not bot_name.
 */
export const SELF_AVATAR = ['[role="img"][aria-label]'];
/** Leaves the lobby (Attendee). */
export const CANCEL_BUTTON = ['[data-tid="prejoin-cancel-button"]'];

/**
 * Pre-join toggles. The device is live when `aria-checked` or `checked` says true: teams.live.com exposed only
 * `checked` (Attendee #320). Clicked only while live, so a second pass never turns a device back on.
 */
export const MIC_TOGGLE = ['[data-tid="toggle-mute"]', 'input[type="checkbox"][title*="mic" i]'];
export const CAMERA_TOGGLE = ['[data-tid="toggle-video"]', 'input[type="checkbox"][title*="camera" i]'];
/** Vexa always takes computer audio: "Don't use audio" leaves the bot deaf. */
export const COMPUTER_AUDIO = ['[role="radio"][aria-label*="Computer audio"]'];

/** In call (3.2, 4.1). Leave is also the admission signal every peer uses. */
export const LEAVE = ['#hangup-button', '[data-tid="hangup-main-btn"]', '[data-inp="hangup-button"]', 'button[aria-label^="Leave"]'];
export const MIC_IN_CALL = ['#microphone-button', 'button[aria-label="Mute mic"]', 'button[aria-label="Unmute mic"]', 'button[title="Mute mic"]', 'button[title="Unmute mic"]'];
export const CHAT_OPEN = ['#chat-button', '[data-tid="chat-button"]', 'button[data-tid="toggle-chat"]', 'button[aria-label*="chat" i]'];
/** CKEditor 5 composer of the new client, then older and light forms (4.5). */
export const CHAT_INPUT = [
  '[data-tid="ckeditor"][contenteditable="true"]',
  '[data-tid="ckeditor"] [contenteditable="true"]',
  'div[contenteditable="true"][data-tid="ckeditor-replyBox"]',
  '.ck-editor__editable[contenteditable="true"]',
  '[contenteditable="true"][aria-label="Type a message"]',
  '[contenteditable="true"][placeholder="Type a message"]',
];
/** The open chat panel's list: present while the composer may still be mounting. */
export const CHAT_PANEL = ['[data-tid="chat-pane-list"]', '[data-tid="message-pane-list-runway"]'];
export const CHAT_SEND = ['button[data-tid="newMessageCommands-send"]', 'button[name="send"]'];
/** Chat closed to anonymous users by the tenant: the panel opens with this instead of a composer (MBaaS #332). */
export const CHAT_DISABLED = ['[data-tid="compose-disabled-placeholder-text"]'];
/**
 * The View menu and its incoming-video switch (Attendee's disable_incoming_video_in_ui; ids renamed in 2025-06 and
 * 2026-04): the switch is in the menu or behind its "More options". The light client has no View menu (LMA).
 */
export const VIEW_MENU = ['#view-mode-button', '#custom-view-button'];
export const VIEW_MORE_OPTIONS = ['#ViewModeMoreOptionsMenuControl-id'];
/** The View menu's layouts (teams.md 4.1; Attendee, ids of 2025-06 and 2026-04; MBaaS picks the text "Speaker"). */
export const VIEW_SPEAKER = ['#custom-view-button-SpeakerViewButton', '#SpeakerView-button', '[role="menu"] [role^="menuitem"]:has-text("Speaker")'];
export const VIEW_GALLERY = ['#custom-view-button-MixedGridButton', '#MixedGrid-button', '#MixedGridView-button', '[role="menu"] [role^="menuitem"]:has-text("Gallery")'];
export const INCOMING_VIDEO_OFF = ["[aria-label='Turn off incoming video']", "[aria-label='Turn off all videos']", '#incoming-video-button', '#toggle-incoming-video-button'];
/** Toasts and notices after admission (ScreenApp clicks them away for 3 s). */
export const CLOSE_BUTTONS = ['[role="alert"] button[aria-label="Close"]', '[role="alert"] button[title="Close"]', 'button[aria-label="Close"]', 'button[title="Close"]'];

export const PROBE = {
  /**
   * What people write or are called: chat, captions, the roster, tiles. A participant typing "You've been removed
   * from this meeting" must end nothing (MBaaS matched its own bot's chat message so).
   */
  typedText: [
    '[data-tid="chat-pane-list"]', '[data-tid="message-pane-list-runway"]', '[data-tid="chat-pane-item"]', '[data-tid="ckeditor"]',
    '[contenteditable="true"]', '[role="tree"]', '[data-cid="roster-participant"]', '[data-stream-type]', '[data-cid="calling-participant-stream"]',
    '[data-tid="participant-info-nametag"]', '[data-tid="closed-caption-renderer-wrapper"]',
  ].join(','),
  loginHosts: [
    'login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn', 'login.microsoft.com',
    'login.live.com', 'login.windows.net', 'login.microsoftonline.de',
  ],
  signInCss: ['input[name="loginfmt"]'],
  signIn: [
    'We need to verify your info before you can join', 'To join, sign in or use Teams on the web',
    'You need to be signed in to Teams to access this meeting', "If you're not signed in to a Teams (work or school) account",
    'Sign in to Teams to join, or contact the meeting organizer', 'To join this Teams meeting, you need to be signed in to an account',
    'To join this meeting, sign in again or select another account', 'Due to org policy, you need to sign in or use Teams on the web',
    "Your organization's policies don't allow you to join",
  ],
  captchaCss: ['[data-tid="HIP-Captcha-Image"]'],
  captcha: ["Verify you're a real person"],
  eventNotStarted: ['External participants are not permitted to join before the event begins'],
  invalidLink: ['Looks like the meeting URL is incorrect'],
  couldNotConnect: ["We couldn't connect you", "Couldn't join the meeting"],
  e2eeCss: ['[data-tid="calling-e2ee-end-screen"]'],
  denied: ['Sorry, but you were denied access to the meeting', 'Your request to join was declined', 'You were denied entry'],
  removed: ["You've been removed from this meeting", 'Removed from the meeting', 'Someone removed you from the meeting'],
  left: ['You left the meeting'],
  ended: ['The meeting has ended', 'This meeting has ended', 'The call ended', 'Meeting ended', 'Call ended'],
  endedCss: ['[data-tid="anon-meeting-end-screen-rejoin-button"]'],
  avModal: ['Continue without audio or video'],
  waitingForHost: ["When the meeting starts, we'll let people know you're waiting"],
  lobby: [
    'Someone will let you in shortly', 'Someone will let you in soon', 'Someone in the meeting should let you in soon',
    "We've let people in the meeting know you're waiting", "You're in the lobby", 'Waiting for someone to let you in',
    'Please wait until someone admits you', 'Wait for someone to admit you', 'Waiting to be admitted', 'Your request to join has been sent',
  ],
  admittedCss: [
    '#hangup-button', '[data-tid="hangup-main-btn"]', '[data-inp="hangup-button"]', '#callingButtons-showMoreBtn',
    '[data-tid="calling-toolbar"]', '[data-tid="modern-stage-wrapper"]', '#roster-button',
  ],
  joinButtonCss: '[data-tid="prejoin-join-button"], #prejoin-join-button',
  preJoinCss: ['[data-tid="prejoin-join-button"]', '#prejoin-join-button', 'input[data-tid="prejoin-display-name-input"]', 'input[placeholder="Type your name"]'],
  launcherCss: ['[data-tid="joinOnWeb"]', 'button[aria-label="Continue on this browser"]'],
  launcher: ['Continue on this browser', 'Join on the web instead', 'Use the web app instead', 'Watch on the web instead', 'Join from browser'],
  /** New client tiles name people in `data-tid`; classic ones in the aria-label's first field (4.3). */
  newTile: '[data-stream-type="Video"][data-tid]',
  newTileName: '[data-tid="participant-info-nametag"]',
  newTileSpeaking: '[data-tid="voice-level-stream-outline"].vdi-frame-occlusion',
  newTileOutline: '[data-tid="voice-level-stream-outline"]',
  classicTile: '[data-cid="calling-participant-stream"]',
  classicSpeaking: '[data-tid="participant-speaker-ring"]',
  rosterRows: '[data-tid^="participantsInCall-"], [role="tree"] [data-cid="roster-participant"]',
  rosterBadge: '#roster-button [data-tid="toolbar-item-badge"], [data-tid="roster-button"] [data-tid="toolbar-item-badge"]',
  /** Decorations Teams adds to display names (Recall FAQ, Vexa, MBaaS #342): never part of the name. */
  nameDecorations: '\\s*\\((?:Unverified|Guest|External|Host|Organizer|Organiser|Presenter|You)\\)\\s*$|\\s+External(?: unfamiliar)?$|\\s+Unverified$',
  chatRows: '[data-tid="chat-pane-item"]',
  chatSystemRow: '[data-tid="control-message-renderer"]',
  chatAuthor: ['[data-tid="message-author-name"]'],
  chatBody: ['[data-tid="messageBodyContent"]', '[id^="content-"]', 'div[dir="auto"][role="heading"][aria-level="4"]'],
} as const;

/**
 * The call's tiles for the recording's picture (4.3): new-client tiles named in data-tid (a share's is
 * `ScreenSharing`) and the name tag, classic tiles by their aria-label's first field. Speaking: the outline's
 * occlusion class or the classic ring; the runtime adds the probe's own reading (the outline's movement).
 */
export const TILES = {
  tile: '[data-stream-type="Video"][data-tid], [data-stream-type="ScreenSharing"], [data-cid="calling-participant-stream"]',
  name: [{ css: '[data-tid="participant-info-nametag"]' }, { attr: 'data-tid' }, { attr: 'aria-label', firstField: true }],
  self: null,
  speaking: '[data-tid="voice-level-stream-outline"].vdi-frame-occlusion, [data-tid="participant-speaker-ring"][style*="opacity: 1"]',
  screenshare: '[data-stream-type="ScreenSharing"], [data-tid="ScreenSharing"], [aria-label^="Content shared by"]',
} as const;
