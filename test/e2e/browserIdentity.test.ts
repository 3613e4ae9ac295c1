import { describe, expect, it } from 'vitest';
import type { MeetingView } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';

// What the meeting page sees of the bot's browser (issue 15): new headless says `HeadlessChrome` in its user
// agent, and no peer joins Meet headless, so every bot runs headful. An audio-only bot (which used to run
// headless) must look exactly like a video bot, and both like an honest Chromium on Linux: the peers found a
// spoofed user agent whose client hints disagree (stealth's user-agent override) gets bots blocked on Meet.

const { client, startBot } = useMockServer();

interface Identity {
  userAgent: string;
  platform: string;
  brands: string[] | null;
  uaPlatform: string | null;
  webdriver: boolean;
  plugins: number;
  mimeTypes: number;
  languages: string[];
  webgl: { vendor: string; renderer: string } | null;
  chrome: string[] | null;
  notification: string | null;
  notificationsPermission: string | null;
  window: { outer: number[]; inner: number[]; screen: number[]; dpr: number };
}

function reported(view: MeetingView): { identity: Identity; headers: Record<string, string> } {
  const identity = view.events.find((e) => e.type === 'client_identity')?.detail as Identity | undefined;
  const headers = view.events.find((e) => e.type === 'page_opened')?.detail?.headers as Record<string, string> | undefined;
  if (!identity || !headers) throw new Error('the page reported no identity');
  return { identity, headers };
}

describe('browser identity', () => {
  it('an audio-only bot and a video bot show the page the same honest headful Chromium', async () => {
    const bodies = [{ recording_config: { video_mixed_layout: 'audio_only' } }, {}];
    const seen = await Promise.all(
      bodies.map(async (body) => {
        const m = await client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [] });
        const b = startBot({ url: m.join_url, platform: 'google_meet', body });
        await b.waitForStatus('in_call_recording', 60_000);
        const view = await client.waitFor(m.id, (v) => v.events.some((e) => e.type === 'client_identity'), 10_000, 'the identity report');
        await b.stop('SIGTERM');
        return reported(view);
      }),
    );
    const [audioOnly, video] = seen as [(typeof seen)[0], (typeof seen)[0]];
    expect(audioOnly).toEqual(video);

    const { identity, headers } = video;
    expect(identity.userAgent).not.toMatch(/headless/i);
    expect(headers['user-agent']).toBe(identity.userAgent);
    // Client hints agree with the user agent: same major version, same platform, no brand the binary lacks.
    const major = identity.userAgent.match(/Chrome\/(\d+)\./)?.[1];
    expect(identity.brands).toContain(`Chromium ${major}`);
    expect(identity.uaPlatform).toBe('Linux');
    expect(identity.userAgent).toContain('Linux');
    expect(identity.platform).toMatch(/^Linux/);
    if (headers['sec-ch-ua']) expect(headers['sec-ch-ua']).toContain(`"Chromium";v="${major}"`);
    // The automation tells stealth exists to hide are absent without it.
    expect(identity.webdriver).toBe(false);
    expect(identity.plugins).toBeGreaterThan(0);
    expect(identity.mimeTypes).toBeGreaterThan(0);
    expect(identity.languages[0]).toBe('en-US');
    expect(headers['accept-language']).toMatch(/^en-US/);
    expect(identity.chrome).toEqual(expect.arrayContaining(['loadTimes', 'csi']));
    // Old headless answered Notification.permission and permissions.query differently (stealth patches it).
    expect(identity.notification === 'default' ? 'prompt' : identity.notification).toBe(identity.notificationsPermission);
    // A real window of the recording size at 0,0 (old headless reported a zero outer window).
    expect(identity.window).toEqual({ outer: [1280, 720], inner: [1280, 720], screen: [1281, 721], dpr: 1 });
    // Software rendering (--disable-gpu): no WebGL rather than a SwiftShader renderer, a known VM tell (Vexa).
    expect(identity.webgl?.renderer ?? '').not.toMatch(/swiftshader/i);
  });
});
