import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BotSpec } from '../../src/config/botSpec.js';
import { parseBotConfig, parseBotConfigText, type ParseResult } from '../../src/config/normalize.js';

const VALID_DIR = new URL('../../fixtures/config/valid/', import.meta.url);
const NOW = new Date('2026-03-01T00:00:00Z');

function fixture(name: string): string {
  return readFileSync(new URL(name, VALID_DIR), 'utf8');
}

function ok(result: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected a valid body, got ${JSON.stringify(result.errors)}`);
  return result;
}

function spec(name: string): BotSpec {
  return ok(parseBotConfigText(fixture(name), { now: NOW })).spec;
}

function parse(body: unknown) {
  return ok(parseBotConfig(body, { now: NOW }));
}

const MEET = 'https://meet.google.com/abc-defg-hij';

describe('valid fixtures', () => {
  const files = readdirSync(VALID_DIR).filter((f) => f.endsWith('.json'));

  it('has the two seed bodies and at least four realistic bodies per API', () => {
    expect(files).toContain('seed-recall.json');
    expect(files).toContain('seed-attendee.json');
    expect(files.filter((f) => f.startsWith('recall-')).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => f.startsWith('attendee-')).length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s validates', (file) => {
    const result = parseBotConfigText(fixture(file), { now: NOW });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('reads the API of each fixture from its fields', () => {
    for (const file of files.filter((f) => f.startsWith('recall-') || f.startsWith('attendee-'))) {
      expect([file, spec(file).source_api]).toEqual([file, file.split('-')[0]]);
    }
  });

  it('seed (Recall page): the documented example joins the Zoom web client with the passcode', () => {
    const s = spec('seed-recall.json');
    expect(s.bot_name).toBe('Meeting Notetaker');
    expect(s.meeting).toMatchObject({
      platform: 'zoom',
      meeting_id: '123',
      password: '456',
      join_url: 'https://app.zoom.us/wc/123/join?pwd=456',
    });
  });

  it('seed (Attendee page): bot_name is kept; with no Attendee-only field the body reads as Recall', () => {
    const s = spec('seed-attendee.json');
    expect(s.bot_name).toBe('My Bot');
    expect(s.source_api).toBe('recall');
    expect(s.meeting.meeting_id).toBe('123');
  });

  it('recall-meet-realtime: keeps the websocket endpoint with the events the runtime produces', () => {
    const s = spec('recall-meet-realtime.json');
    expect(s.meeting.join_url).toBe('https://meet.google.com/abc-defg-hij?hl=en');
    expect(s.realtime_endpoints).toEqual([
      {
        type: 'websocket',
        url: 'wss://realtime.acme.example/recall?token=s3cr3t',
        events: ['audio_mixed_raw.data', 'participant_events.join', 'participant_events.leave'],
        format: 'recall',
        sample_rate: 16000,
        metadata: { stream: 'main' },
      },
    ]);
    expect(s.metadata).toEqual({ customer_id: 'cus_42', meeting_kind: 'standup' });
  });

  it('recall-zoom-autoleave: every rule given is carried, object forms included', () => {
    const s = spec('recall-zoom-autoleave.json');
    expect(s.automatic_leave).toEqual({
      waiting_room_timeout: 600,
      wait_for_host_timeout: 600,
      noone_joined_timeout: 360,
      everyone_left: { timeout: 30, activate_after: 120 },
      silence: { timeout: 1800, activate_after: 600 },
      bot_names: {
        timeout: 300,
        activate_after: 60,
        matches: ['notetaker', 'recorder', 'fathom', 'read.ai'],
        match: 'substring',
        leave_when_only_bots: true,
      },
      bot_events: null,
      in_call_not_recording_timeout: 900,
      in_call_recording_timeout: 14400,
      max_uptime: null,
      authorized_user_not_in_meeting_timeout: 600,
    });
    expect(s.recording).toEqual({
      mode: 'video_and_audio',
      width: 1920,
      height: 1080,
      fps: 15,
      layout: 'gallery_view',
      screenshare: 'overlap',
      audio_format: 'aac',
    });
    expect(s.unsupported.map((f) => f.path)).not.toContain('recording_config.video_mixed_layout');
    expect(s.chat.on_bot_join).toEqual({
      message: "Hi, I am recording this meeting for Acme. Type 'stop' to ask me to leave.",
    });
    expect(s.meeting.join_url).toBe('https://acme.zoom.us/wc/85551234567/join?pwd=AbC123xYz.1');
  });

  it('recall-webex-audio-only: audio_only layout records audio only; a plain everyone_left int keeps activate_after 0', () => {
    const s = spec('recall-webex-audio-only.json');
    expect(s.recording.mode).toBe('audio_only');
    expect(s.unsupported.map((f) => f.path)).not.toContain('recording_config.video_mixed_layout');
    expect(s.automatic_leave.everyone_left).toEqual({ timeout: 10, activate_after: 0 });
    expect(s.meeting.platform).toBe('webex');
  });

  it('attendee-meet-chat: Attendee settings map onto the spec', () => {
    const s = spec('attendee-meet-chat.json');
    expect(s.chat.on_bot_join).toEqual({ message: "Hello! I'm taking notes for this call." });
    expect(s.recording).toMatchObject({ mode: 'video_and_audio', width: 1920, height: 1080, layout: 'gallery_view' });
    expect(s.unsupported.map((f) => f.path)).not.toContain('recording_settings.view');
    expect(s.automatic_leave).toMatchObject({
      waiting_room_timeout: 600,
      everyone_left: { timeout: 30, activate_after: 0 },
      silence: { timeout: 300, activate_after: 1200 },
      bot_names: { timeout: 30, activate_after: 0, matches: ['notetaker', 'otter', 'fireflies'], match: 'whole_word', leave_when_only_bots: false },
      max_uptime: 7200,
      noone_joined_timeout: null,
    });
  });

  it('attendee-zoom-websocket: websocket audio at its sample rate, webhooks with produced triggers', () => {
    const s = spec('attendee-zoom-websocket.json');
    expect(s.realtime_endpoints).toEqual([
      {
        type: 'websocket',
        url: 'wss://agent.acme.example/audio',
        events: ['realtime_audio.mixed'],
        format: 'attendee',
        sample_rate: 24000,
        metadata: {},
      },
    ]);
    // Webhooks carry status changes only: the chat trigger is dropped and reported, never silently kept.
    expect(s.webhooks).toEqual([{ url: 'https://hooks.acme.example/attendee', triggers: ['bot.state_change'] }]);
    expect(ok(parseBotConfigText(fixture('attendee-zoom-websocket.json'), { now: NOW })).warnings).toContainEqual(
      expect.objectContaining({ path: 'webhooks[0].triggers[1]', reason: expect.stringContaining('chat_messages.update is never sent') }),
    );
    expect(s.meeting.join_url).toBe('https://us06web.zoom.us/wc/81234567890/join?pwd=QWERTYuiop123.1');
  });

  it('attendee-mp3: format mp3 is an MP3 audio-only recording', () => {
    const s = spec('attendee-mp3.json');
    expect(s.recording).toMatchObject({ mode: 'audio_only', audio_format: 'mp3' });
  });

  it('attendee-full: format none records nothing; a join message not for everyone is dropped', () => {
    const s = spec('attendee-full.json');
    expect(s.recording.mode).toBe('none');
    expect(s.chat.on_bot_join).toBeNull();
    expect(s.automatic_leave.wait_for_host_timeout).toBe(120);
    expect(s.webhooks).toEqual([{ url: 'https://hooks.acme.example/a', triggers: ['bot.state_change'] }]);
    expect(s.realtime_endpoints.map((e) => e.sample_rate)).toEqual([16000]);
    // Nothing recorded, nothing to upload: the storage settings are kept but reported.
    expect(s.external_storage).toEqual({ bucket: 'acme-recordings', key: 'weekly.mp4' });
    expect(s.unsupported).toContainEqual({ path: 'external_media_storage_settings', reason: expect.stringContaining('nothing is recorded') });
  });
});

describe('external storage', () => {
  it('Attendee external_media_storage_settings becomes external_storage and is not reported', () => {
    const r = parse({ meeting_url: MEET, external_media_storage_settings: { bucket_name: 'acme-recordings', recording_file_name: 'team/weekly.mp4' } });
    expect(r.spec.external_storage).toEqual({ bucket: 'acme-recordings', key: 'team/weekly.mp4' });
    expect(r.warnings).toEqual([]);
    expect(parse({ meeting_url: MEET, external_media_storage_settings: { bucket_name: 'acme.recordings-1' } }).spec.external_storage).toEqual({ bucket: 'acme.recordings-1', key: null });
    expect(parse({ meeting_url: MEET }).spec.external_storage).toBeNull();
  });
});

describe('defaults per API', () => {
  it('a bare Recall body gets Recall 3.1 defaults and the runtime recording defaults', () => {
    const s = parse({ meeting_url: MEET }).spec;
    expect(s.source_api).toBe('recall');
    expect(s.bot_name).toBe('Meeting Notetaker');
    expect(s.metadata).toEqual({});
    expect(s.realtime_endpoints).toEqual([]);
    expect(s.webhooks).toEqual([]);
    expect(s.chat).toEqual({ on_bot_join: null });
    expect(s.unsupported).toEqual([]);
    expect(s.recording).toEqual({
      mode: 'video_and_audio',
      width: 1280,
      height: 720,
      fps: 30,
      layout: 'speaker_view',
      screenshare: 'overlap',
      audio_format: 'aac',
    });
    expect(s.automatic_leave).toEqual({
      waiting_room_timeout: 1200,
      wait_for_host_timeout: 600,
      noone_joined_timeout: 1200,
      everyone_left: { timeout: 2, activate_after: 0 },
      silence: { timeout: 3600, activate_after: 1200 },
      bot_names: null,
      bot_events: null,
      in_call_not_recording_timeout: 3600,
      in_call_recording_timeout: null,
      max_uptime: null,
      authorized_user_not_in_meeting_timeout: 600,
    });
  });

  it('an Attendee body gets Attendee 3.2 defaults', () => {
    const s = parse({ meeting_url: MEET, bot_name: 'A', debug_settings: {} }).spec;
    expect(s.source_api).toBe('attendee');
    expect(s.automatic_leave).toEqual({
      waiting_room_timeout: 900,
      wait_for_host_timeout: 600,
      noone_joined_timeout: null,
      everyone_left: { timeout: 60, activate_after: 0 },
      silence: { timeout: 600, activate_after: 1200 },
      bot_names: null,
      bot_events: null,
      in_call_not_recording_timeout: null,
      in_call_recording_timeout: null,
      max_uptime: null,
      authorized_user_not_in_meeting_timeout: 600,
    });
    expect(s.recording.width).toBe(1280);
  });

  it('partial Recall rules keep the other Recall defaults', () => {
    const s = parse({ meeting_url: MEET, automatic_leave: { silence_detection: { timeout: 120 } } }).spec;
    expect(s.automatic_leave.silence).toEqual({ timeout: 120, activate_after: 1200 });
    expect(s.automatic_leave.waiting_room_timeout).toBe(1200);
  });

  it('partial Attendee rules keep the other Attendee defaults', () => {
    const s = parse({ meeting_url: MEET, automatic_leave_settings: { silence_activate_after_seconds: 60 } }).spec;
    expect(s.automatic_leave.silence).toEqual({ timeout: 600, activate_after: 60 });
    expect(s.automatic_leave.waiting_room_timeout).toBe(900);
  });

  it('the leave object decides the leave defaults: Recall rules in an Attendee body stay Recall', () => {
    const s = parse({ meeting_url: MEET, webhooks: [], automatic_leave: { waiting_room_timeout: 60 } }).spec;
    expect(s.source_api).toBe('attendee');
    expect(s.automatic_leave.waiting_room_timeout).toBe(60);
    expect(s.automatic_leave.everyone_left).toEqual({ timeout: 2, activate_after: 0 });
  });

  it('Recall bot detection: enabled parts get their documented defaults, names match as substrings', () => {
    const s = parse({
      meeting_url: MEET,
      automatic_leave: {
        bot_detection: { using_participant_events: {}, using_participant_names: { matches: ['bot'] } },
      },
    }).spec;
    expect(s.automatic_leave.bot_events).toEqual({ timeout: 600, activate_after: 1200 });
    expect(s.automatic_leave.bot_names).toEqual({
      timeout: 3600,
      activate_after: 1200,
      matches: ['bot'],
      match: 'substring',
      leave_when_only_bots: true,
    });
  });

  it('null objects mean "not set" (Recall)', () => {
    const s = parse({
      meeting_url: MEET,
      recording_config: null,
      automatic_leave: null,
      chat: null,
      join_at: null,
    }).spec;
    expect(s.recording.mode).toBe('video_and_audio');
    expect(s.automatic_leave.waiting_room_timeout).toBe(1200);
    expect(s.chat.on_bot_join).toBeNull();
  });

  it('Recall in_call_recording_timeout null stays unlimited', () => {
    expect(
      parse({ meeting_url: MEET, automatic_leave: { in_call_recording_timeout: null } }).spec.automatic_leave
        .in_call_recording_timeout,
    ).toBeNull();
  });
});

describe('recording mode mapping', () => {
  const mode = (body: object) => parse({ meeting_url: MEET, ...body }).spec.recording;

  it('Recall video_mixed_mp4 null without audio_mixed_raw records nothing', () => {
    expect(mode({ recording_config: { video_mixed_mp4: null } }).mode).toBe('none');
  });
  it('Recall video_mixed_mp4 null with audio_mixed_raw records audio only', () => {
    expect(mode({ recording_config: { video_mixed_mp4: null, audio_mixed_raw: {} } })).toMatchObject({
      mode: 'audio_only',
      audio_format: 'aac',
    });
  });
  it('Recall extension video_mixed_mp4 {resolution: 720p, fps: 5}', () => {
    expect(mode({ recording_config: { video_mixed_mp4: { resolution: '720p', fps: 5 } } })).toMatchObject({
      width: 1280,
      height: 720,
      fps: 5,
    });
  });
  it('Recall video_mixed_mp4 {} keeps the 1280x720@30 default', () => {
    expect(mode({ recording_config: { video_mixed_mp4: {} } })).toMatchObject({
      mode: 'video_and_audio',
      width: 1280,
      height: 720,
      fps: 30,
    });
  });
  it('Attendee resolution 720p and view map directly', () => {
    expect(mode({ recording_settings: { resolution: '720p', view: 'speaker_view_no_sidebar' } })).toMatchObject({
      width: 1280,
      height: 720,
      layout: 'speaker_view_no_sidebar',
    });
  });
  it('Recall layouts: gallery_view and gallery_view_v2 are a grid; the screenshare view is carried', () => {
    for (const layout of ['gallery_view', 'gallery_view_v2'] as const) {
      expect(mode({ recording_config: { video_mixed_layout: layout } }).layout).toBe('gallery_view');
    }
    const spec = mode({ recording_config: { video_mixed_layout: 'speaker_view', video_mixed_participant_video_when_screenshare: 'beside' } });
    expect(spec).toMatchObject({ layout: 'speaker_view', screenshare: 'beside' });
    expect(parse({ meeting_url: MEET, recording_config: { video_mixed_participant_video_when_screenshare: 'hide' } }).spec.unsupported).toEqual([]);
  });
  it('Attendee mp4 default is video and audio', () => {
    expect(mode({ recording_settings: {} }).mode).toBe('video_and_audio');
  });
});

describe('chat mapping', () => {
  it('Recall on_bot_join defaults send_to to everyone', () => {
    expect(parse({ meeting_url: MEET, chat: { on_bot_join: { message: 'hello' } } }).spec.chat.on_bot_join).toEqual({
      message: 'hello',
    });
  });
  it('a message for the host is not sent, and is reported', () => {
    const r = parse({ meeting_url: MEET, chat: { on_bot_join: { message: 'psst', send_to: 'host' } } });
    expect(r.spec.chat.on_bot_join).toBeNull();
    expect(r.warnings.map((w) => w.path)).toEqual(['chat.on_bot_join.send_to']);
  });
  it('a message for one Attendee user is not sent, and is reported', () => {
    const r = parse({
      meeting_url: MEET,
      bot_chat_message: { to: 'specific_user', to_user_uuid: 'u-1', message: 'hi' },
    });
    expect(r.spec.chat.on_bot_join).toBeNull();
    expect(r.warnings.map((w) => w.path)).toEqual(['bot_chat_message.to']);
  });
  it('accepts an Attendee message of 9999 characters', () => {
    expect(
      parse({ meeting_url: MEET, bot_chat_message: { message: 'x'.repeat(9999) } }).spec.chat.on_bot_join?.message,
    ).toHaveLength(9999);
  });
});

describe('Webex password', () => {
  const WEBEX = 'https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef0123456789abcdef';
  it('comes from the body (webex.password), before the link (pwd=); other webex keys are reported', () => {
    expect(parse({ meeting_url: WEBEX, webex: { password: 'fromBody' } }).spec.meeting.password).toBe('fromBody');
    expect(parse({ meeting_url: `${WEBEX}&pwd=fromLink` }).spec.meeting.password).toBe('fromLink');
    expect(parse({ meeting_url: `${WEBEX}&pwd=fromLink`, webex: { password: 'fromBody' } }).spec.meeting.password).toBe('fromBody');
    expect(parse({ meeting_url: WEBEX }).spec.meeting.password).toBeNull();
    const r = parse({ meeting_url: WEBEX, webex: { password: 'x', site_id: 'acme' } });
    expect(r.warnings.map((w) => w.path)).toEqual(['webex.site_id']);
  });
  it('must be a non-empty string', () => {
    const r = parseBotConfigText(JSON.stringify({ meeting_url: WEBEX, webex: { password: 42 } }));
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['webex.password']);
  });
});

describe('unsupported fields', () => {
  it('lists each accepted-but-ignored field with a reason, and mirrors the paths in spec.unsupported', () => {
    const r = parse({
      meeting_url: MEET,
      join_at: '2026-03-02T00:00:00Z',
      output_media: { camera: { kind: 'webpage', config: { url: 'https://page.acme.example/' } } },
      recording_config: { transcript: { provider: { deepgram_streaming: {} } }, participant_events: null },
      zoom: { join_token_url: 'https://t.acme.example/' },
      chat: { on_bot_join: { message: 'hi', send_to: 'everyone', pin: true } },
    });
    const paths = r.warnings.map((w) => w.path).sort();
    expect(paths).toEqual([
      'chat.on_bot_join.pin',
      'output_media',
      'recording_config.participant_events',
      'recording_config.transcript',
      'zoom.join_token_url',
    ]);
    expect(r.spec.unsupported).toEqual(r.warnings);
    // A future join_at is acted on: the bot waits at the pre-join screen until then.
    expect(r.spec.join_at).toBe('2026-03-02T00:00:00Z');
    expect(r.warnings.find((w) => w.path === 'recording_config.transcript')?.reason).toMatch(/transcribe/);
    expect(r.spec.chat.on_bot_join).toEqual({ message: 'hi' });
  });

  it('a past join_at (not waited for), false flags and web variants are not reported', () => {
    const r = parse({
      meeting_url: MEET,
      join_at: '2026-02-28T23:59:00Z',
      variant: { google_meet: 'web' },
      google_meet: { login_required: false },
      recording_config: { include_bot_in_recording: { audio: false }, start_recording_on: 'call_join' },
    });
    expect(r.warnings).toEqual([]);
  });

  it('Recall realtime endpoints of other types are reported, not kept', () => {
    const r = parse({
      meeting_url: MEET,
      recording_config: {
        video_mixed_flv: {},
        realtime_endpoints: [{ type: 'rtmp', url: 'rtmps://live.acme.example/app/key' }],
      },
    });
    expect(r.spec.realtime_endpoints).toEqual([]);
    expect(r.warnings.map((w) => w.path)).toEqual([
      'recording_config.video_mixed_flv',
      'recording_config.realtime_endpoints[0]',
    ]);
  });

  it('loopback realtime and webhook receivers pass with the operator switch', () => {
    const r = ok(
      parseBotConfig(
        {
          meeting_url: 'http://127.0.0.1:8080/abc-defg-hij',
          websocket_settings: { audio: { url: 'ws://127.0.0.1:9000/audio' } },
          webhooks: [{ url: 'http://localhost:9001/hook', triggers: ['bot.state_change'] }],
        },
        { allowLoopback: true, platform: 'google_meet' },
      ),
    );
    expect(r.spec.meeting.join_url).toBe('http://127.0.0.1:8080/abc-defg-hij?hl=en');
    expect(r.spec.realtime_endpoints[0]?.url).toBe('ws://127.0.0.1:9000/audio');
    expect(r.spec.webhooks[0]?.url).toBe('http://localhost:9001/hook');
  });
});
