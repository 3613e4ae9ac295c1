import { describe, expect, it } from 'vitest';
import { chromiumFlags, type ChromiumFlagOptions } from '../../src/browser/chromiumFlags.js';

const base: ChromiumFlagOptions = { width: 1280, height: 720, userDataDir: '/w/profile', runningAsRoot: false, allowLoopback: false };

describe('chromiumFlags', () => {
  const flags = chromiumFlags(base);

  it('always carries the four closed-network flags', () => {
    for (const f of ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']) {
      expect(flags).toContain(f);
    }
  });

  it('sets up media for a bot without devices or gestures', () => {
    expect(flags).toContain('--autoplay-policy=no-user-gesture-required');
    expect(flags).toContain('--use-fake-ui-for-media-stream');
    expect(flags).toContain('--use-fake-device-for-media-stream');
    expect(flags).not.toContain('--mute-audio');
  });

  it('fills the screen at the recording size with no browser UI', () => {
    expect(flags).toContain('--kiosk');
    expect(flags).toContain('--window-size=1280,720');
    expect(flags).toContain('--window-position=0,0');
    expect(flags).toContain('--force-device-scale-factor=1');
  });

  it('pins the locale, hides automation, renders in software in-process', () => {
    expect(flags).toContain('--lang=en-US');
    expect(flags).toContain('--accept-lang=en-US,en');
    expect(flags).toContain('--disable-blink-features=AutomationControlled');
    expect(flags).toContain('--disable-gpu');
    expect(flags).toContain('--in-process-gpu');
    expect(flags).toContain('--disable-dev-shm-usage');
  });

  it('gives Playwright a CDP port and the bot a fresh profile', () => {
    expect(flags).toContain('--remote-debugging-port=0');
    expect(flags).toContain('--user-data-dir=/w/profile');
    expect(flags.at(-1)).toBe('about:blank');
  });

  it('never overrides the user agent or weakens web security', () => {
    expect(flags.join(' ')).not.toMatch(/--user-agent|--disable-web-security|--ignore-certificate-errors|--enable-automation/);
  });

  it('adds --no-sandbox only as root', () => {
    expect(flags).not.toContain('--no-sandbox');
    expect(chromiumFlags({ ...base, runningAsRoot: true })).toContain('--no-sandbox');
  });

  it('never runs headless: new headless says HeadlessChrome in its user agent', () => {
    expect(flags.join(' ')).not.toMatch(/--headless|--screen-info/);
  });

  it('allows loopback WebRTC only for the operator test switch', () => {
    expect(flags).not.toContain('--allow-loopback-in-peer-connection');
    expect(chromiumFlags({ ...base, allowLoopback: true })).toContain('--allow-loopback-in-peer-connection');
  });

  it('follows the size and locale given', () => {
    const f = chromiumFlags({ ...base, width: 1920, height: 1080, locale: 'de-DE' });
    expect(f).toContain('--window-size=1920,1080');
    expect(f).toContain('--lang=de-DE');
    expect(f).toContain('--accept-lang=de-DE,de');
  });

  it('has no duplicate flags', () => {
    const names = flags.map((f) => f.split('=')[0]);
    expect(new Set(names).size).toBe(names.length);
  });
});
