/**
 * Chromium's command line for a bot, as a pure function of what the bot needs. Every flag has its reason next
 * to it; `capture-and-performance.md` §6 and §7 hold the evidence behind most of them.
 */
export interface ChromiumFlagOptions {
  /** Viewport = recording size. */
  width: number;
  height: number;
  userDataDir: string;
  /** Chromium refuses to start its sandbox as root; in the container it runs as a user with its sandbox. */
  runningAsRoot: boolean;
  /** Operator test switch: WebRTC between peers that only have loopback addresses. */
  allowLoopback: boolean;
  /** Chromium BCP-47 UI and Accept-Language locale. */
  locale?: string;
  /** What the fake microphone and camera play (fakeMedia.ts): silence and black, never Chromium's beep and pattern. */
  fakeMedia?: { audio: string; video: string };
}

export function chromiumFlags(o: ChromiumFlagOptions): string[] {
  const locale = o.locale ?? 'en-US';
  const language = locale.split('-')[0] ?? 'en';
  const flags = [
    // Closed network: no background requests, component downloads, first-run UI or sync (CONTRIBUTING.md).
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    // Quiet, deterministic startup: no default-browser prompt, no keyring probe over D-Bus, no extensions.
    '--no-default-browser-check',
    '--password-store=basic',
    '--disable-extensions',
    // AudioContexts start 'running' and remote <audio> plays without a click; otherwise the meeting is silent.
    '--autoplay-policy=no-user-gesture-required',
    // Accept getUserMedia prompts and give the bot synthetic camera/mic devices (it has no real ones). The
    // fake UI also makes `permissions.query` answer 'granted' for camera and microphone (measured), so Meet and
    // Zoom skip their device prompts, as they do for the peers that grant both up front (Vexa, Attendee).
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    // ... that carry silence and black: a microphone a meeting will not let the bot turn off sends nothing.
    ...(o.fakeMedia ? [`--use-file-for-fake-audio-capture=${o.fakeMedia.audio}`, `--use-file-for-fake-video-capture=${o.fakeMedia.video}`] : []),
    // Software rendering inside the browser process: no separate GPU process, no SwiftShader (ref. 2.3, 7).
    '--disable-gpu',
    '--in-process-gpu',
    // Pinned UI language so adapters see the English UI they were written for.
    `--lang=${locale}`,
    `--accept-lang=${locale},${language}`,
    // navigator.webdriver stays false.
    '--disable-blink-features=AutomationControlled',
    // Containers have a 64 MiB /dev/shm that Chromium exhausts; use /tmp instead.
    '--disable-dev-shm-usage',
    // Timers, rendering and audio keep running although no window manager reports the window as visible.
    '--disable-background-timer-throttling',
    '--disable-backgrounding-occluded-windows',
    '--disable-renderer-backgrounding',
    // No translate bubble or other browser UI drawn over the meeting in the recording. Also no preloaded WebUI
    // omnibox popup (a renderer a kiosk never shows) and no spare renderer: ~50 MB PSS per bot (BENCHMARKS.md).
    '--disable-features=Translate,MediaRouter,OptimizationHints,WebUIOmniboxPopup,WebUIOmniboxAimPopup,SpareRendererForSitePerProcess',
    // The network service inside the browser process rather than its own utility process: ~21 MB PSS per bot
    // (BENCHMARKS.md), for less isolation of network parsing; the bot visits only its meeting's platform.
    '--enable-features=NetworkServiceInProcess2',
    // Xvfb's 96 dpi could otherwise scale the page: one CSS pixel = one recorded pixel.
    '--force-device-scale-factor=1',
    // The page fills the window (no tabs or toolbar), the window fills the screen at 0,0.
    '--kiosk',
    '--window-position=0,0',
    `--window-size=${o.width},${o.height}`,
    // Playwright attaches over CDP; port 0 lets the OS pick a free port (printed on stderr).
    '--remote-debugging-port=0',
    // A fresh profile per bot: no cookies, cache or state shared between bots.
    `--user-data-dir=${o.userDataDir}`,
  ];
  // Root has no usable sandbox here; never disabled otherwise.
  if (o.runningAsRoot) flags.push('--no-sandbox');
  // WebRTC normally ignores loopback candidates; tests run both peers on 127.0.0.1.
  if (o.allowLoopback) flags.push('--allow-loopback-in-peer-connection');
  // The first tab opens on about:blank instead of the new-tab page (which would fetch remote content).
  flags.push('about:blank');
  return flags;
}
