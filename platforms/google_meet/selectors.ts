/**
 * Google Meet's web client, as public bots met it (shared/reference/platforms.md, section 1). Every list is
 * ordered most robust first: ids and structural attributes, then aria-labels, then visible text. Texts are
 * English: the join URL pins `hl=en`.
 */

/** Pre-join dialogs that stand in front of the form (1.3), dismissed without granting devices. */
export const PREJOIN_DIALOG_BUTTONS = [
  'button:has-text("Continue without microphone and camera")',
  '[role="button"]:has-text("Continue without microphone and camera")',
  'div[role="button"]:has-text("Dismiss")',
  'button:has-text("Dismiss")',
  'button:has-text("Got it")',
  'span:text-is("Use without an account")',
];

/** The one editable text input of the pre-join form (1.3); aria-label first, then locale-agnostic shapes. */
export const NAME_INPUT = [
  'input[type="text"][aria-label="Your name"]',
  'input[aria-label="Your name"]',
  'input[jsname][type="text"]',
  'div[jscontroller] input[type="text"]:not([aria-hidden="true"])',
  'input[type="text"]:not([aria-hidden="true"])',
  'input[placeholder*="name" i]',
];

/**
 * Meet's "Sign in" for a signed-out page (top right), to accounts.google.com/ServiceLogin?...&continue=<meeting>.
 * Links first, by where they lead, then by their text.
 */
export const SIGN_IN_LINK = [
  'a[href*="accounts.google.com/ServiceLogin"]',
  'a[href*="/ServiceLogin"]',
  'a:has-text("Sign in")',
  '[role="button"]:has-text("Sign in")',
  'button:has-text("Sign in")',
];

/** The signed-in account in Google's app bar (OneGoogle): `aria-label="Google Account: Name (email)"`. */
export const ACCOUNT_CHIP = ['a[aria-label^="Google Account:"]', '[aria-label^="Google Account:"]'];

/**
 * The join call-to-action by its text only: with no name field on the page, these mean a signed-in pre-join
 * (Attendee: "name input is not present but the join now button is present"; Vexa's authenticated CTA list).
 */
export const SIGNED_IN_CTA = ['button:has-text("Join now")', 'button:has-text("Ask to join")', 'button:has-text("Switch here")', 'button:has-text("Join here too")'];

/** Mic and camera toggles while they are live; after a click their label reads "Turn on ...". */
export const MIC_ON = ['[aria-label*="Turn off microphone"]'];
export const MIC_OFF = ['[aria-label*="Turn on microphone"]'];
export const CAMERA_ON = ['[aria-label*="Turn off camera"]'];
export const CAMERA_OFF = ['[aria-label*="Turn on camera"]'];

/**
 * The join call-to-action. Text forms cover the open-meeting ("Join now") and signed-in variants; the
 * structural form excludes the "More options" button (also a jsname button with a span) by its aria-label.
 * The structural form is only safe after the error screens were ruled out: on the not-found page its first
 * hit is "Return to home screen".
 */
export const JOIN_CTA = [
  'button:has-text("Ask to join")',
  'button:has-text("Join now")',
  'button:has-text("Join the call now")',
  'button:has-text("Join anyway")',
  'button:has-text("Join here too")',
  'button:has-text("Switch here")',
  'button:has-text("Join meeting")',
  'button:has-text("Enter meeting")',
  'button[aria-label^="Ask to join"]',
  'button[aria-label^="Join now"]',
  'div[jscontroller] button[jsname]:not([aria-label]):has(span)',
  'button[jsname]:not([aria-label]):has(span)',
];

/** In-call consent dialogs (1.6) that must be acknowledged. */
export const CONSENT_DIALOG = 'div[aria-modal="true"][role="dialog"]';
export const CONSENT_DIALOG_TEXTS = [
  'This video call is being recorded',
  'Others may see your video differently',
  'This video call is being transcribed',
  'Gemini is taking notes',
  'take notes for me',
  'taking notes',
];
export const CONSENT_ACK = ['button[data-mdc-dialog-action="ok"]', 'button:has-text("Join now")', 'button:has-text("Got it")', 'button:has-text("OK")'];
export const INCALL_POPUP_BUTTONS = ['button:has-text("Got it")'];

/** Chat (1.7): open control, both composer forms (textarea, 2026 nested contenteditable), send control. */
export const CHAT_OPEN = ['button[aria-label="Chat with everyone"]', 'button[aria-label*="Chat"]', '[data-tooltip*="Chat"]'];
export const CHAT_INPUT = [
  'textarea[aria-label="Send a message"]',
  'textarea[placeholder="Send a message"]',
  'textarea[aria-label="Send a message to everyone"]',
  'textarea[aria-label^="Send a message"]',
  'div[contenteditable="true"][aria-label^="Send a message"]',
  '[aria-label^="Send a message"] [contenteditable="true"]',
];
export const CHAT_SEND = ['button[aria-label^="Send a message"]', 'button[aria-label*="Send"]'];
export const CHAT_NOT_DELIVERED = "Your message wasn't delivered";

/**
 * Receiving audio only (1.9): More options → Settings → Video tab → "Receive resolution (maximum)" dropdown →
 * "Audio only" → Close. Meet then stops sending this client video. Exact aria-labels first: tiles have their
 * own "More options for <name>" menus, and the Video tab's "Send resolution" dropdown has the same shape as
 * the receive one, so the dropdown is found by its accessible name or by the label right above it.
 */
export const MORE_OPTIONS = [
  'button[jsname="NakZHc"][aria-label="More options"]',
  'button[aria-label="More options"]',
  '[role="button"][aria-label="More options"]',
  '[role="toolbar"] button:has(i:text-is("more_vert"))',
];
export const SETTINGS_MENU_ITEM = [
  '[role="menuitem"][aria-label="Settings"]',
  'li[role="menuitem"]:has(span:text-is("Settings"))',
  '[role="menuitem"]:has-text("Settings")',
  'li:has(span:text-is("Settings"))',
];
export const SETTINGS_VIDEO_TAB = [
  '[aria-modal="true"] button[aria-label="Video"]',
  'button[aria-label="Video"]',
  '[aria-modal="true"] [role="tab"]:has-text("Video")',
  '[aria-modal="true"] button:has(span:text-is("Video"))',
];
export const RECEIVE_RESOLUTION_DROPDOWN = [
  '[aria-modal="true"] [role="combobox"][aria-label^="Receive resolution"]',
  'role=combobox[name=/^Receive resolution/i]',
  '[aria-modal="true"] [role="combobox"]:below(:text("Receive resolution"))',
];
export const AUDIO_ONLY_OPTION = [
  'li[aria-label="Audio only"]',
  '[role="option"][aria-label="Audio only"]',
  '[role="option"]:has-text("Audio only")',
  'li:has(span:text-is("Audio only"))',
];
export const AUDIO_ONLY_CHOSEN = ['[role="option"][aria-label="Audio only"][aria-selected="true"]', '[role="combobox"]:has-text("Audio only")'];
export const DIALOG_CLOSE = [
  '[aria-modal="true"] button[aria-label="Close"]',
  '[aria-modal="true"] button[aria-label="Close dialog"]',
  '[role="dialog"] button:has-text("Close")',
];
export const OPEN_DIALOG = '[aria-modal="true"]';

/** Meet's own layout (1.9): More options → "Change layout" (older: "Adjust view") → Sidebar / Tiled / Spotlight. */
export const CHANGE_LAYOUT_MENU_ITEM = [
  '[role="menuitem"][jsname="WZerud"]',
  'li[role="menuitem"]:has(span:text-is("Change layout"))',
  'li[role="menuitem"]:has(span:text-is("Adjust view"))',
  '[role="menuitem"]:has-text("Change layout")',
];
/** The option's label text in the layout dialog; Tiled also carries class xo15nd (Attendee). */
export const LAYOUT_OPTION_LABEL = { speaker_view: 'Sidebar', speaker_view_no_sidebar: 'Spotlight', gallery_view: 'Tiled' } as const;
export function layoutOption(label: string): string[] {
  const tiled = label === 'Tiled' ? ['[aria-modal="true"] .xo15nd'] : [];
  return [
    ...tiled,
    `[aria-modal="true"] label:has(span:text-is("${label}"))`,
    `[aria-modal="true"] label:has-text("${label}")`,
    `[aria-modal="true"] [role="radio"]:has-text("${label}")`,
  ];
}

/**
 * The call's tiles for the recording's picture (1.8): the self tile carries data-self-name; names in
 * span.notranslate; speaking as a non-zero data-audio-level or one of Meet's speaking classes. A presentation's
 * tile is named "<name> (Presentation)" (*assumption*: no peer reads shares from tiles).
 */
export const TILES = {
  tile: '[data-participant-id]',
  name: [{ css: '[data-self-name]', attr: 'data-self-name' }, { css: 'span.notranslate' }, { css: '.zWGUib' }],
  self: '[data-self-name]',
  speaking: '[data-audio-level]:not([data-audio-level="0"]), .Oaajhc, .HX2H7, .wEsLMd, .OgVli',
  screenshare: '[aria-label$="(Presentation)"], [aria-label*="is presenting"]',
} as const;

/** Leave (1.10). "End meeting" is deliberately absent: it would end the call for everyone. */
export const LEAVE = [
  'button[jsname="CQylAd"][aria-label="Leave call"]',
  'button[aria-label="Leave call"]',
  'button[aria-label*="Leave"]',
  'button[aria-label*="Hang up"]',
];
export const LEAVE_CONFIRM = ['button:has-text("Just leave the meeting")', 'button:has-text("Leave meeting")'];

/** Controls of Google's sign-in pages (accountPage.ts reads which page it is). */
export const GOOGLE_SIGN_IN = {
  identifier: ['input#identifierId', 'input[type="email"][name="identifier"]', 'input[type="email"]'],
  identifierNext: ['#identifierNext button', '#identifierNext', 'button:has-text("Next")'],
  password: ['input[type="password"][name="Passwd"]', '#password input[type="password"]', 'input[type="password"]'],
  passwordNext: ['#passwordNext button', '#passwordNext', 'button:has-text("Next")'],
  recoveryChallenge: [
    '[data-challengetype="12"]:not([data-challengeunavailable="true"])',
    '[data-action="selectchallenge"]:has-text("Confirm your recovery email")',
    '[role="link"]:has-text("Confirm your recovery email")',
  ],
  authenticatorChallenge: [
    '[data-challengetype="6"]:not([data-challengeunavailable="true"])',
    '[data-action="selectchallenge"]:has-text("Google Authenticator")',
    '[role="link"]:has-text("Google Authenticator")',
  ],
  recoveryEmail: ['input#knowledge-preregistered-email-response', 'input[name="knowledgePreregisteredEmailResponse"]'],
  recoveryNext: ['#idvpreregisteredemailNext button', '#next button', 'button:has-text("Next")'],
  totp: ['input#totpPin', 'input[name="totpPin"]'],
  totpNext: ['#totpNext button', '#totpNext', 'button:has-text("Next")'],
  tryAnotherWay: ['button:has-text("Try another way")', '[role="button"]:has-text("Try another way")', '[role="link"]:has-text("Try another way")'],
} as const;

/** Everything the in-page probe needs; plain CSS only (Playwright's text engines do not exist in the page). */
export const PROBE = {
  notFoundStartupCode: '217',
  /** Terminal screens, checked first. */
  notFound: ['Check your meeting code', 'Invalid video call name', 'The meeting code you entered doesn\'t work'],
  expired: ['Your meeting code has expired'],
  blocked: ["You can't join this video call", "You can't join this meeting", 'There is a problem connecting to this video call'],
  /**
   * A Workspace meeting refusing anonymous guests before any pre-join, under the block heading (Illospace PR
   * #649, 2026-08; YeetMeet #24, 2020): a sign-in wall for a guest, checked before `blocked`.
   */
  guestRefused: ['unless invited or admitted by the host', 'unless invited or admitted by host'],
  /** Google's sign-in page as Meet's wall: an h1 "Sign in" whose parent names the Google Account (Attendee, ScreenApp). */
  signInHeading: 'Sign in',
  signInParent: 'your Google Account',
  removed: ["You've been removed from the meeting"],
  endedByHost: ['Your host ended the meeting for everyone'],
  endedOther: ['The call ended', 'Call ended', 'Meeting ended'],
  /** Explicit denial always wins over lobby texts. */
  denied: [
    'Someone in the call denied your request to join',
    'denied your request',
    'Your request to join was denied',
    'You were denied',
    "weren't allowed to join",
  ],
  noAnswer: ['No one responded to your request to join the call'],
  leftMeeting: ['You left the meeting'],
  lobby: [
    'Asking to be let in',
    "You'll join the call when someone lets you in",
    'Please wait until a meeting host brings you into the call',
    'Waiting for the host to let you in',
    "You're in the waiting room",
    'admits you to the call',
  ],
  lobbyCss: ['[aria-label*="Asking to be let in"]', '[aria-label*="waiting room"]'],
  waitingForHost: ['Waiting for the host to join'],
  /** In-call only signals (never shown in the lobby); Leave call and the toolbar are NOT among them. */
  admittedCss: [
    'button[aria-label="Turn on captions"]',
    'button[aria-label="Turn off captions"]',
    'button[aria-label="Chat with everyone"]',
    'button[aria-label="Show everyone"]',
    'button[aria-label*="Share screen"]',
    'button[aria-label*="Present now"]',
  ],
  preJoinCss: ['input[aria-label="Your name"]', 'input[jsname][type="text"]'],
  /** A signed-in pre-join has no name field: its CTA, outside any dialog, says it is one. */
  preJoinCta: ['Join now', 'Ask to join', 'Switch here', 'Join here too'],
  tile: '[data-participant-id]',
  /**
   * The "Backgrounds and effects" control has a `data-participant-id` of its own in the lobby and the call (Vexa,
   * verified live 2026-06-12); its label leads with the icon ligature and its case varies: matched ignoring case.
   */
  phantomTile: 'visual_effects|backgrounds and effects',
  /** How many are in the call, the bot included: the avatar badge (ScreenApp, 2026-05), then the People button's label. */
  peopleCount: ['[data-avatar-count]'],
  peopleCountLabel: 'button[aria-label^="People - "]',
  /**
   * Where people's own words and names show: chat, captions, tiles and the People list. End and denial texts are
   * never looked for there (Attendee reads its end texts from `.roSPhc` only).
   */
  typedText: ['[aria-label="In-call messages"]', '[role="list"][aria-label="Chat messages"]', '[role="region"][aria-label="Captions"]', '[data-participant-id]', '[aria-label="Participants"]', '.toast'],
  tileName: ['[data-self-name]', 'span.notranslate', '.zWGUib'],
  speakingClasses: ['Oaajhc', 'HX2H7', 'wEsLMd', 'OgVli'],
  peopleRows: 'div[aria-label="Participants"][role="list"] [role="listitem"][data-participant-id]',
  chatList: ['[role="list"][aria-label="Chat messages"]', '[aria-label="In-call messages"]'],
  chatRow: '[role="listitem"]',
} as const;
