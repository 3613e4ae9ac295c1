import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { filterSdp, filterSignal, isLoopbackCandidate } from '../../fixtures/mock/iceFilter.js';
import { useMockServer } from '../helpers/mockSuite.js';

// The mock server's HTTP surface without a browser: control API, routing, static files, ICE filtering.

const { client } = useMockServer();

async function post(path: string, body: unknown): Promise<{ status: number; body: { error?: string } }> {
  const res = await fetch(client.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

function rawGet(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${client.url}${path}`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('mock meeting server', () => {
  it('listens on 127.0.0.1 and creates meetings with real Meet codes as join paths', async () => {
    expect(client.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const m = await client.createMeeting({ platform: 'google_meet' });
      expect(m.id).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
      expect(m.join_url).toBe(`${client.url}/${m.id}`);
      ids.add(m.id);
    }
    expect(ids.size).toBe(20);
    const view = await client.get([...ids][0]!);
    expect(view).toMatchObject({
      platform: 'google_meet',
      state: 'active',
      waiting_room: true,
      host_present: true,
      bot: { name: null, status: 'none', connected: false },
      ui_variant: { chat: 'textarea', join_cta: 'ask', device_modal: 'unless_granted', input_gates: {} },
    });
    const noRoom = await client.get((await client.createMeeting({ platform: 'google_meet', waiting_room: false })).id);
    expect(noRoom.ui_variant.join_cta).toBe('join_now');
  });

  it('rejects bad bodies with the field and the reason', async () => {
    expect(await post('/api/meetings', { platform: 'teams' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^platform: /) } });
    expect(await post('/api/meetings', { platform: 'zoom', passcode: 'with space' })).toEqual({
      status: 400,
      body: { error: 'passcode: must be 1-32 letters or digits' },
    });
    expect((await post('/api/meetings', { platform: 'google_meet', ui_variant: { chat: 'rich' } })).body.error).toMatch(/^ui_variant\.chat: /);
    expect((await post('/api/meetings', { platform: 'google_meet', participants: [{ name: 'A', color: 'red' }] })).body.error).toBe(
      'participants.0.color: must be a #rrggbb colour',
    );
    expect((await post('/api/meetings', { platform: 'google_meet', wating_room: false })).status).toBe(400);
  });

  it('answers control actions that do not fit the bot’s state with 409, and unknown meetings with 404', async () => {
    const m = await client.createMeeting({ platform: 'google_meet' });
    const admit = await post(`/api/meetings/${m.id}/admit`, {});
    expect(admit).toEqual({ status: 409, body: { error: 'cannot admit: the bot is none, expected knocking or waiting_for_host' } });
    expect((await post(`/api/meetings/${m.id}/kick`, {})).status).toBe(409);
    expect((await post('/api/meetings/zzz-zzzz-zzz/admit', {})).status).toBe(404);
    expect((await fetch(`${client.url}/api/meetings/zzz-zzzz-zzz`)).status).toBe(404);
    await client.chat(m.id, 'Alice', 'before the bot is here');
    await client.end(m.id);
    const view = await client.get(m.id);
    expect(view.state).toBe('ended');
    expect(view.chat_sent).toEqual([expect.objectContaining({ sender: 'Alice', text: 'before the bot is here', delivered: false })]);
    expect(view.events.map((e) => e.type)).toEqual(['created', 'chat', 'end']);
  });

  it('serves Meet paths with status 200 for any code, the shared scripts and the control page, and nothing else', async () => {
    const meet = await fetch(`${client.url}/abc-defg-hij?hl=en`);
    expect(meet.status).toBe(200);
    expect(await meet.text()).toContain('<title>Meet</title>');
    const script = await fetch(`${client.url}/mock/room-client.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('export class MockRoom');
    expect(await (await fetch(`${client.url}/`)).text()).toContain('Mock meetings');
    expect(await rawGet('/mock/meeting.ts')).toBe(404);
    expect(await rawGet('/mock/..%2fmeeting.ts')).toBe(404);
    expect(await rawGet('/mock/..%2f..%2f..%2fnode_modules%2fws%2findex.js')).toBe(404);
    expect(await rawGet('/mock/shared%2fparticipant.js')).toBe(200);
    expect(await rawGet('/abc-defg-hijk')).toBe(404);
  });

  it('lets only 127.0.0.1 candidates through signalling', () => {
    const loop = 'candidate:1 1 udp 2122194687 127.0.0.1 42553 typ host generation 0';
    const lan = 'candidate:2 1 udp 2122194687 192.0.2.2 42554 typ host generation 0';
    const mdns = 'candidate:3 1 udp 2122194687 0b1f.local 42555 typ host generation 0';
    const v6 = 'candidate:4 1 udp 2122194687 ::1 42556 typ host generation 0';
    expect([loop, lan, mdns, v6].map(isLoopbackCandidate)).toEqual([true, false, false, false]);
    const sdp = ['v=0', `a=${loop}`, `a=${lan}`, 'a=end-of-candidates', ''].join('\r\n');
    expect(filterSdp(sdp)).toBe(['v=0', `a=${loop}`, 'a=end-of-candidates', ''].join('\r\n'));
    expect(filterSignal({ candidate: { candidate: lan, sdpMid: '0' } })).toBeNull();
    expect(filterSignal({ candidate: { candidate: loop, sdpMid: '0' } })).toEqual({ candidate: { candidate: loop, sdpMid: '0' } });
    expect(filterSignal({ candidate: null })).toEqual({ candidate: null });
  });
});
