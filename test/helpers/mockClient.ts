import { chromium, type Browser } from 'playwright-core';
import type {
  CreatedMeeting,
  DialogKind,
  MeetingSpec,
  MeetingView,
  ParticipantSpec,
} from '../../fixtures/mock/types.js';

export type { CreatedMeeting, MeetingSpec, MeetingView, ParticipantSpec };

/** Typed client for the mock meeting server's control API (fixtures/mock/controlApi.ts). */
export class MockClient {
  /** `baseUrl` may be a function, for a client made before its server is up (see mockSuite.ts). */
  constructor(private readonly baseUrl: string | (() => string)) {}

  /** The server's base URL, e.g. http://127.0.0.1:PORT. */
  get url(): string {
    return typeof this.baseUrl === 'string' ? this.baseUrl : this.baseUrl();
  }

  createMeeting(spec: MeetingSpec): Promise<CreatedMeeting> {
    return this.call('POST', '/api/meetings', spec);
  }

  get(id: string): Promise<MeetingView> {
    return this.call('GET', `/api/meetings/${id}`);
  }

  list(): Promise<Omit<MeetingView, 'events'>[]> {
    return this.call('GET', '/api/meetings');
  }

  admit(id: string): Promise<void> {
    return this.action(id, 'admit');
  }

  deny(id: string): Promise<void> {
    return this.action(id, 'deny');
  }

  kick(id: string): Promise<void> {
    return this.action(id, 'kick');
  }

  end(id: string): Promise<void> {
    return this.action(id, 'end');
  }

  block(id: string): Promise<void> {
    return this.action(id, 'block');
  }

  setHostPresent(id: string, present: boolean): Promise<void> {
    return this.action(id, 'host', { present });
  }

  showDialog(id: string, kind: DialogKind): Promise<void> {
    return this.action(id, 'dialog', { kind });
  }

  /** A participant posts to the meeting chat. */
  chat(id: string, sender: string, text: string): Promise<void> {
    return this.action(id, 'chat', { sender, text });
  }

  async addParticipant(id: string, spec: ParticipantSpec): Promise<string> {
    const { participant_id } = await this.call<{ participant_id: string }>('POST', `/api/meetings/${id}/participants`, spec);
    return participant_id;
  }

  async removeParticipant(id: string, participantId: string): Promise<void> {
    await this.call('DELETE', `/api/meetings/${id}/participants/${participantId}`);
  }

  async speak(id: string, participantId: string, on: boolean): Promise<void> {
    await this.call('POST', `/api/meetings/${id}/participants/${participantId}/speak`, { on });
  }

  /** Polls the meeting until `check` holds; throws with the last view when it does not within `timeoutMs`. */
  async waitFor(id: string, check: (m: MeetingView) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<MeetingView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.get(id);
      if (check(view)) return view;
      if (Date.now() > deadline) {
        throw new Error(`mock meeting ${id}: timed out waiting for ${what}; bot=${JSON.stringify(view.bot)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async action(id: string, action: string, body?: unknown): Promise<void> {
    await this.call('POST', `/api/meetings/${id}/${action}`, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${data.error ?? ''}`);
    return data;
  }
}

/**
 * A Chromium standing in for the bot's browser in tests that drive mock pages with plain Playwright.
 * Loopback WebRTC needs --allow-loopback-in-peer-connection on this side too.
 */
export function launchTestBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--no-sandbox',
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
      '--lang=en-US',
    ],
  });
}
