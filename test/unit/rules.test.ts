import { describe, expect, it } from 'vitest';
import type { AutomaticLeaveSpec } from '../../src/config/botSpec.js';
import { STATUS_CODES, type StatusCode } from '../../src/lifecycle/codes.js';
import { LEAVE_RULES } from '../../src/rules/index.js';
import type { LeaveDecision } from '../../src/rules/leaveDecision.js';
import { LeaveRuleEngine } from '../../src/rules/leaveRuleEngine.js';
import { emptySnapshot, type RuleSnapshot } from '../../src/rules/ruleSnapshot.js';
import { MAX_FRAME_GAP_MS, nextSilentAudioMs, SPEECH_PEAK_THRESHOLD } from '../../src/rules/silence.js';
import { FakeClock } from '../helpers/fakeClock.js';

type NameRule = NonNullable<AutomaticLeaveSpec['bot_names']>;

const NEVER = 1e7; // seconds: a timeout no test reaches

/** Every rule off or out of reach, so each test switches on only the rules it is about. */
function only(overrides: Partial<AutomaticLeaveSpec>): AutomaticLeaveSpec {
  return {
    waiting_room_timeout: NEVER,
    wait_for_host_timeout: NEVER,
    noone_joined_timeout: null,
    everyone_left: { timeout: NEVER, activate_after: 0 },
    silence: { timeout: NEVER, activate_after: 0 },
    bot_names: null,
    bot_events: null,
    in_call_not_recording_timeout: null,
    in_call_recording_timeout: null,
    max_uptime: null,
    authorized_user_not_in_meeting_timeout: NEVER,
    ...overrides,
  };
}

/**
 * Recall's documented defaults (bot-api.md 3.1) as normalisation fills them: Recall has no wait-for-host
 * field (Attendee's 600 s stands in) and bot detection is off unless the body asks for it.
 */
const RECALL_DEFAULTS: AutomaticLeaveSpec = {
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
};

/** Recall's using_participant_names with its default timing, as a client asking for it gets it. */
const RECALL_NAME_DETECTION: NameRule = {
  timeout: 3600,
  activate_after: 1200,
  matches: ['notetaker', 'fathom', 'read.ai'],
  match: 'substring',
  leave_when_only_bots: true,
};

/** Attendee's documented defaults (bot-api.md 3.2): no noone-joined rule (silence covers it), no caps. */
const ATTENDEE_DEFAULTS: AutomaticLeaveSpec = {
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
};

const TICK_MS = 250;
const QUIET = { rms: 0.001, peak: 0.002 };
const SPEECH = { rms: 0.08, peak: 0.4 };

/** One bot's engine on a fake clock, driven like the runtime drives it: evaluate every 250 ms. */
class Bot {
  readonly clock = new FakeClock();
  readonly engine: LeaveRuleEngine;

  constructor(spec: AutomaticLeaveSpec) {
    this.engine = new LeaveRuleEngine(spec, this.clock);
  }

  status(...codes: StatusCode[]): this {
    for (const c of codes) this.engine.onStatus(c);
    return this;
  }

  join(): this {
    return this.status('joining_call', 'in_call_not_recording', 'in_call_recording');
  }

  /** Sets who is present besides the bot; ids are the names. */
  present(...names: string[]): this {
    this.engine.onParticipants(names.map((name) => ({ id: name, name })));
    return this;
  }

  /**
   * Advances up to `seconds`, evaluating every tick (and feeding one audio frame per tick if `audio` is
   * given); returns the first decision and how many seconds into this run it came, or null.
   */
  run(seconds: number, audio?: { rms: number; peak: number }): { decision: LeaveDecision; at: number } | null {
    for (let ms = TICK_MS; ms <= seconds * 1000; ms += TICK_MS) {
      this.clock.advance(TICK_MS);
      if (audio) this.engine.onAudioLevel(audio, TICK_MS);
      const decision = this.engine.evaluate();
      if (decision) return { decision, at: ms / 1000 };
    }
    return null;
  }
}

describe('order', () => {
  it('lists every rule once, pre-admission first, silence after the presence rules, caps last', () => {
    expect(LEAVE_RULES.map((r) => r.name)).toEqual([
      'waitForHost',
      'waitingRoom',
      'everyoneLeft',
      'nooneJoined',
      'botNames',
      'botEvents',
      'silence',
      'maxUptime',
      'inCallRecording',
      'inCallNotRecording',
    ]);
  });
});

describe('phases', () => {
  // A snapshot on which every rule's condition has long held, so only the status decides.
  const snapshot: RuleSnapshot = {
    ...emptySnapshot(),
    waitingRoomSince: 0,
    waitingForHostSince: 0,
    joinedAt: 0,
    notRecording: { totalMs: 0, runningSince: 0 },
    recording: { totalMs: 0, runningSince: 0 },
    everyoneLeftSince: 0,
    onlyNameBotsSince: 0,
    nameBots: ['Fathom'],
    onlyEventBotsSince: 0,
    othersPresent: 1,
    silentAudioMs: 3_600_000,
  };
  const spec: AutomaticLeaveSpec = {
    waiting_room_timeout: 1,
    wait_for_host_timeout: 1,
    noone_joined_timeout: 1,
    everyone_left: { timeout: 1, activate_after: 0 },
    silence: { timeout: 1, activate_after: 0 },
    bot_names: { timeout: 1, activate_after: 0, matches: ['fathom'], match: 'substring', leave_when_only_bots: true },
    bot_events: { timeout: 1, activate_after: 0 },
    in_call_not_recording_timeout: 1,
    in_call_recording_timeout: 1,
    max_uptime: 1,
    authorized_user_not_in_meeting_timeout: 1,
  };
  const IN_CALL = ['in_call_not_recording', 'in_call_recording'];
  const phases: Record<string, readonly string[]> = {
    waitForHost: ['ready', 'joining_call', 'in_waiting_room'],
    waitingRoom: ['in_waiting_room'],
  };

  it.each(LEAVE_RULES.map((rule) => [rule.name, rule] as const))('%s acts only in its phase', (name, rule) => {
    const firing = STATUS_CODES.filter((status) => rule(spec, { ...snapshot, status }, 3_600_000) !== null);
    expect(firing).toEqual(phases[name] ?? IN_CALL);
  });
});

describe('waiting room', () => {
  it('ends the call after waiting_room_timeout in the lobby, counting only the lobby', () => {
    const bot = new Bot(only({ waiting_room_timeout: 300 })).status('joining_call');
    expect(bot.run(40)).toBeNull();
    bot.status('in_waiting_room');
    expect(bot.run(600)).toEqual({
      at: 300,
      decision: {
        rule: 'waiting_room_timeout',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_waiting_room',
        figures: { timeout: 300, elapsed: 300 },
      },
    });
  });

  it('is not restarted by the same status reported again', () => {
    const bot = new Bot(only({ waiting_room_timeout: 300 })).status('joining_call', 'in_waiting_room');
    bot.run(200);
    bot.status('in_waiting_room');
    expect(bot.run(600)?.at).toBe(100);
  });

  it('is cleared by admission: a second before the timeout is enough, and nothing fires later', () => {
    const bot = new Bot(only({ waiting_room_timeout: 300 })).status('joining_call', 'in_waiting_room');
    expect(bot.run(299.75)).toBeNull();
    bot.status('in_call_not_recording');
    expect(bot.run(3600)).toBeNull();
  });

  it('counts a new stay in the lobby from its own start', () => {
    const bot = new Bot(only({ waiting_room_timeout: 300 })).status('joining_call', 'in_waiting_room');
    expect(bot.run(200)).toBeNull();
    bot.status('joining_call'); // e.g. the page reloaded the pre-join screen
    bot.status('in_waiting_room');
    expect(bot.run(600)?.at).toBe(300);
  });

  it('does not let in-call rules act before admission', () => {
    const bot = new Bot(
      only({ max_uptime: 1, noone_joined_timeout: 1, in_call_not_recording_timeout: 1, silence: { timeout: 1, activate_after: 0 } }),
    ).status('joining_call', 'in_waiting_room');
    expect(bot.run(100, QUIET)).toBeNull();
  });
});

describe('wait for host', () => {
  it('fails fatal meeting_not_started after wait_for_host_timeout of "waiting for the host"', () => {
    const bot = new Bot(only({ wait_for_host_timeout: 600 })).status('joining_call');
    expect(bot.run(30)).toBeNull();
    bot.engine.onWaitingForHost(true);
    const r = bot.run(1000);
    expect(r).toEqual({
      at: 600,
      decision: { rule: 'wait_for_host_timeout', status: 'fatal', sub_code: 'meeting_not_started', figures: { timeout: 600, elapsed: 600 } },
    });
  });

  it('keeps counting while the page keeps saying so, and starts over when it stops', () => {
    const bot = new Bot(only({ wait_for_host_timeout: 600 })).status('joining_call');
    bot.engine.onWaitingForHost(true);
    expect(bot.run(300)).toBeNull();
    bot.engine.onWaitingForHost(true); // each probe repeats it: not a new start
    expect(bot.run(200)).toBeNull();
    bot.engine.onWaitingForHost(false);
    expect(bot.run(50)).toBeNull();
    bot.engine.onWaitingForHost(true);
    expect(bot.run(1000)?.at).toBe(600);
  });

  it('is cleared by admission and ignored in the call', () => {
    const bot = new Bot(only({ wait_for_host_timeout: 60 })).status('joining_call');
    bot.engine.onWaitingForHost(true);
    expect(bot.run(59)).toBeNull();
    bot.status('in_call_recording');
    bot.engine.onWaitingForHost(true);
    expect(bot.run(600)).toBeNull();
  });

  it('wins over the waiting room when both expire on the same tick: the meeting not starting is the cause', () => {
    const bot = new Bot(only({ wait_for_host_timeout: 120, waiting_room_timeout: 120 })).status('joining_call', 'in_waiting_room');
    bot.engine.onWaitingForHost(true);
    expect(bot.run(200)?.decision.sub_code).toBe('meeting_not_started');
  });
});

describe('noone joined', () => {
  it('ends the call when nobody came within noone_joined_timeout of entering the call', () => {
    const bot = new Bot(only({ noone_joined_timeout: 1200 })).status('joining_call');
    bot.run(45); // joining does not count
    bot.status('in_call_not_recording').present();
    expect(bot.run(5000)).toEqual({
      at: 1200,
      decision: {
        rule: 'noone_joined_timeout',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_noone_joined',
        figures: { timeout: 1200, elapsed: 1200 },
      },
    });
  });

  it('is disarmed for good once a person came; everyone_left takes over', () => {
    const bot = new Bot(only({ noone_joined_timeout: 100, everyone_left: { timeout: 30, activate_after: 0 } })).join();
    bot.run(10);
    bot.present('Alice');
    bot.run(10);
    bot.present();
    const r = bot.run(1000);
    expect(r?.decision.sub_code).toBe('timeout_exceeded_everyone_left');
    expect(r?.at).toBe(30);
  });

  it('is off when null (Attendee has no such rule)', () => {
    expect(new Bot(only({ noone_joined_timeout: null })).join().run(20_000)).toBeNull();
  });
});

describe('everyone left', () => {
  const spec = only({ everyone_left: { timeout: 60, activate_after: 0 } });

  it('is not armed while nobody has come', () => {
    const bot = new Bot(spec).join().present();
    expect(bot.run(10_000)).toBeNull();
  });

  it('fires timeout seconds after the last person left, with its figures', () => {
    const bot = new Bot(spec).join().present('Alice', 'Bob');
    bot.run(100);
    bot.present('Bob');
    expect(bot.run(300)).toBeNull(); // one leaving is not everyone
    bot.present();
    expect(bot.run(300)).toEqual({
      at: 60,
      decision: {
        rule: 'everyone_left',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_everyone_left',
        figures: { timeout: 60, elapsed: 60, activate_after: 0 },
      },
    });
  });

  it('is reset when someone rejoins, and counts again from the next departure', () => {
    const bot = new Bot(spec).join().present('Alice');
    bot.run(10);
    bot.present();
    expect(bot.run(59)).toBeNull();
    bot.present('Alice'); // back just in time
    expect(bot.run(500)).toBeNull();
    bot.present();
    expect(bot.run(500)?.at).toBe(60);
  });

  it('a different person arriving resets it too', () => {
    const bot = new Bot(spec).join().present('Alice');
    bot.run(10);
    bot.present();
    bot.run(50);
    bot.present('Carol');
    bot.run(20);
    bot.present();
    expect(bot.run(500)?.at).toBe(60);
  });

  it('counts only after activate_after from entering the call, then waits its full timeout', () => {
    const late = only({ everyone_left: { timeout: 10, activate_after: 300 } });
    const bot = new Bot(late).join().present('Alice');
    bot.run(20);
    bot.present(); // left 20 s after join, before the rule arms at 300 s
    const r = bot.run(1000);
    expect(r?.at).toBe(300 - 20 + 10);
    expect(r?.decision.figures).toEqual({ timeout: 10, elapsed: 10, activate_after: 300 });

    const after = new Bot(late).join().present('Alice');
    after.run(400);
    after.present();
    expect(after.run(1000)?.at).toBe(10);
  });

  it('ignores participant polls from before the bot is in the call', () => {
    const bot = new Bot(spec).status('joining_call', 'in_waiting_room').present('Alice');
    bot.run(10);
    bot.present();
    bot.status('in_call_recording');
    expect(bot.run(10_000)).toBeNull(); // nobody was ever seen in the call: not "everyone left"
  });
});

describe('bot detection by names', () => {
  const names = (timeout: number, activate_after: number, match: 'substring' | 'whole_word' = 'substring'): NameRule => ({
    timeout,
    activate_after,
    matches: ['notetaker', 'fathom'],
    match,
    leave_when_only_bots: true,
  });

  it('does not count name-matched bots as people for noone_joined', () => {
    const bot = new Bot(only({ noone_joined_timeout: 600, bot_names: names(NEVER, 0) })).join();
    bot.present('Fathom.video', 'Otter NoteTaker');
    expect(bot.run(1000)?.decision.sub_code).toBe('timeout_exceeded_noone_joined');
  });

  it('does not count them for everyone_left either: the people leaving a notetaker behind is everyone leaving', () => {
    const bot = new Bot(only({ everyone_left: { timeout: 60, activate_after: 0 }, bot_names: names(NEVER, 0) })).join();
    bot.present('Alice', 'Acme Notetaker');
    bot.run(100);
    bot.present('Acme Notetaker');
    expect(bot.run(500)).toMatchObject({ at: 60, decision: { sub_code: 'timeout_exceeded_everyone_left' } });
  });

  it('fires when only bots have been present for timeout after activate_after, naming them', () => {
    const bot = new Bot(only({ bot_names: names(120, 600) })).join();
    bot.present('Fathom Notetaker', 'Acme-Notetaker');
    expect(bot.run(2000)).toEqual({
      at: 720,
      decision: {
        rule: 'bot_names',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_only_bots_detected_using_participant_names',
        figures: { timeout: 120, elapsed: 120, activate_after: 600, match: 'substring', bots: 'Fathom Notetaker, Acme-Notetaker' },
      },
    });
  });

  it('is reset when a person joins, and needs someone present: an empty call is not a call of bots', () => {
    const bot = new Bot(only({ bot_names: names(120, 0) })).join().present('Fathom');
    bot.run(100);
    bot.present('Fathom', 'Alice');
    bot.run(100);
    bot.present('Fathom');
    expect(bot.run(119)).toBeNull();
    bot.present();
    expect(bot.run(5000)).toBeNull();
  });

  it('wins over everyone_left when its timeout is the shorter one', () => {
    const bot = new Bot(only({ everyone_left: { timeout: 300, activate_after: 0 }, bot_names: names(30, 0) })).join();
    bot.present('Alice', 'Fathom');
    bot.run(10);
    bot.present('Fathom');
    expect(bot.run(1000)).toMatchObject({ at: 30, decision: { rule: 'bot_names' } });
  });

  it('yields to everyone_left on the same tick', () => {
    const bot = new Bot(only({ everyone_left: { timeout: 30, activate_after: 0 }, bot_names: names(30, 0) })).join();
    bot.present('Alice', 'Fathom');
    bot.run(10);
    bot.present('Fathom');
    expect(bot.run(1000)).toMatchObject({ at: 30, decision: { rule: 'everyone_left' } });
  });

  it('uses whole-word sequences for Attendee bot_keywords', () => {
    const spec = only({ everyone_left: { timeout: 60, activate_after: 0 }, bot_names: names(NEVER, 0, 'whole_word') });
    const kept = new Bot(spec).join().present('Alice', 'Acme_NoteTaker');
    kept.run(5);
    kept.present('Acme_NoteTaker');
    expect(kept.run(100)?.at).toBe(60);

    const person = new Bot(spec).join().present('Alice', 'Notetakers Guild'); // a person, not the keyword
    person.run(5);
    person.present('Notetakers Guild');
    expect(person.run(1000)).toBeNull();
  });
});

describe('bot detection by events', () => {
  const spec = only({ bot_events: { timeout: 600, activate_after: 1200 } });

  it('fires when nobody present has ever spoken or shared, after activate_after + timeout', () => {
    const bot = new Bot(spec).join().present('Bot A', 'Bot B');
    expect(bot.run(5000)).toEqual({
      at: 1800,
      decision: {
        rule: 'bot_events',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_only_bots_detected_using_participant_events',
        figures: { timeout: 600, elapsed: 600, activate_after: 1200, bots: 2 },
      },
    });
  });

  it('never fires while someone who spoke is present, however long ago they spoke', () => {
    const bot = new Bot(spec).join().present('Alice', 'Bot A');
    bot.engine.onParticipantActivity('Alice');
    expect(bot.run(10_000)).toBeNull();
  });

  it('is reset by a first speech or screenshare, and re-arms when that person leaves', () => {
    const bot = new Bot(spec).join().present('Alice', 'Bot A');
    bot.run(1700);
    bot.engine.onParticipantActivity('Alice');
    expect(bot.run(1000)).toBeNull();
    bot.present('Bot A');
    expect(bot.run(2000)?.at).toBe(600);
  });

  it('counts activity heard before the participant shows up in a poll', () => {
    const bot = new Bot(spec).join();
    bot.engine.onParticipantActivity('Alice');
    bot.present('Alice');
    expect(bot.run(5000)).toBeNull();
  });

  it('needs someone present', () => {
    expect(new Bot(spec).join().present().run(5000)).toBeNull();
  });
});

describe('silence', () => {
  const spec = only({ silence: { timeout: 600, activate_after: 1200 } });

  it('fires after activate_after + timeout of quiet audio, with its figures', () => {
    const bot = new Bot(spec).join().present('Alice');
    expect(bot.run(5000, QUIET)).toEqual({
      at: 1800,
      decision: {
        rule: 'silence',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_silence_detected',
        figures: { timeout: 600, elapsed: 600, activate_after: 1200, threshold: SPEECH_PEAK_THRESHOLD },
      },
    });
  });

  it('never fires without audio frames: a dead capture path is not silence', () => {
    const bot = new Bot(only({ silence: { timeout: 10, activate_after: 0 } })).join().present('Alice');
    expect(bot.run(20_000)).toBeNull();
  });

  it('stops counting when frames stop, and starts over after a gap longer than MAX_FRAME_GAP_MS', () => {
    const bot = new Bot(only({ silence: { timeout: 60, activate_after: 0 } })).join();
    expect(bot.run(50, QUIET)).toBeNull();
    expect(bot.run(600)).toBeNull(); // capture died: 50 s of silence stay 50 s
    const r = bot.run(600, QUIET);
    expect(r?.at).toBe(60); // the gap broke the run: a full minute from the resumption
  });

  it('rides over short gaps in delivery', () => {
    const bot = new Bot(only({ silence: { timeout: 60, activate_after: 0 } })).join();
    expect(bot.run(30, QUIET)).toBeNull();
    bot.clock.advance(MAX_FRAME_GAP_MS); // frames late, but within the tolerance
    expect(bot.run(100, QUIET)?.at).toBe(30);
  });

  it('is reset by speech, and by a single frame above the threshold', () => {
    const bot = new Bot(only({ silence: { timeout: 60, activate_after: 0 } })).join();
    expect(bot.run(59, QUIET)).toBeNull();
    bot.run(0.25, SPEECH);
    expect(bot.run(59.5, QUIET)).toBeNull();
    bot.run(0.25, { rms: 0.0005, peak: SPEECH_PEAK_THRESHOLD + 0.001 });
    expect(bot.run(100, QUIET)?.at).toBe(60);
  });

  it('treats a frame at the threshold as silence and judges by peak, not RMS', () => {
    const bot = new Bot(only({ silence: { timeout: 60, activate_after: 0 } })).join();
    expect(bot.run(100, { rms: SPEECH_PEAK_THRESHOLD, peak: SPEECH_PEAK_THRESHOLD })?.at).toBe(60);
  });

  it('fires while participants are present: people who say nothing for the whole timeout', () => {
    const bot = new Bot(only({ silence: { timeout: 60, activate_after: 0 }, everyone_left: { timeout: 60, activate_after: 0 } }));
    bot.join().present('Alice', 'Bob');
    expect(bot.run(100, QUIET)?.decision.rule).toBe('silence');
  });

  it('yields to everyone_left on the same tick', () => {
    const bot = new Bot(only({ silence: { timeout: 60, activate_after: 0 }, everyone_left: { timeout: 60, activate_after: 0 } }));
    bot.join().present('Alice');
    bot.present(); // left at once: both conditions start together
    expect(bot.run(100, QUIET)).toMatchObject({ at: 60, decision: { rule: 'everyone_left' } });
  });

  it('ignores audio before admission', () => {
    const bot = new Bot(only({ silence: { timeout: 60, activate_after: 0 } })).status('joining_call', 'in_waiting_room');
    bot.run(100, QUIET);
    bot.status('in_call_recording');
    expect(bot.run(100, QUIET)?.at).toBe(60);
  });

  it('keeps its run across recording pauses', () => {
    const bot = new Bot(only({ silence: { timeout: 60, activate_after: 0 } })).join();
    bot.run(40, QUIET);
    bot.status('in_call_not_recording');
    expect(bot.run(20, QUIET)?.at).toBe(20);
  });

  it('adds audio time, not wall time (pure accumulator)', () => {
    const frame = (arrivedMs: number, durationMs = 20, peak = 0.001) => ({ peak, durationMs, arrivedMs });
    expect(nextSilentAudioMs(1000, frame(10_020), 10_000, true)).toBe(1020);
    expect(nextSilentAudioMs(1000, frame(10_020), 10_000, false)).toBe(0);
    expect(nextSilentAudioMs(1000, frame(10_020, 20, 0.3), 10_000, true)).toBe(0);
    expect(nextSilentAudioMs(1000, frame(10_000 + 20 + MAX_FRAME_GAP_MS), 10_000, true)).toBe(1020);
    expect(nextSilentAudioMs(1000, frame(10_000 + 21 + MAX_FRAME_GAP_MS), 10_000, true)).toBe(20);
    expect(nextSilentAudioMs(0, frame(10_020), null, true)).toBe(20);
  });
});

describe('recording caps and max uptime', () => {
  it('sums not-recording time over every stay, including after a recording', () => {
    const bot = new Bot(only({ in_call_not_recording_timeout: 3600 })).status('joining_call', 'in_waiting_room');
    bot.run(500); // the lobby is not "in call"
    bot.status('in_call_not_recording');
    expect(bot.run(1000)).toBeNull();
    bot.status('in_call_recording');
    expect(bot.run(9000)).toBeNull();
    bot.status('in_call_not_recording');
    expect(bot.run(5000)).toEqual({
      at: 2600,
      decision: {
        rule: 'in_call_not_recording_timeout',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_in_call_not_recording',
        figures: { timeout: 3600, elapsed: 3600 },
      },
    });
  });

  it('caps the recording length, summed across pauses', () => {
    const bot = new Bot(only({ in_call_recording_timeout: 1800 })).join();
    bot.run(1000);
    bot.status('in_call_not_recording');
    expect(bot.run(5000)).toBeNull();
    bot.status('in_call_recording');
    expect(bot.run(5000)).toEqual({
      at: 800,
      decision: {
        rule: 'in_call_recording_timeout',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_in_call_recording',
        figures: { timeout: 1800, elapsed: 1800 },
      },
    });
  });

  it('max_uptime counts from entering the call, whatever happens in it', () => {
    const bot = new Bot(only({ max_uptime: 7200 })).status('joining_call', 'in_waiting_room');
    bot.run(300);
    bot.status('in_call_recording').present('Alice');
    bot.engine.onParticipantActivity('Alice');
    bot.run(1000, SPEECH);
    bot.status('in_call_not_recording', 'in_call_recording'); // a pause is not a new join
    expect(bot.run(10_000, SPEECH)).toEqual({
      at: 6200,
      decision: { rule: 'max_uptime', status: 'call_ended', sub_code: 'timeout_exceeded_max_duration', figures: { timeout: 7200, elapsed: 7200 } },
    });
  });

  it('yield the reason to a presence rule expiring on the same tick', () => {
    const bot = new Bot(only({ max_uptime: 100, everyone_left: { timeout: 90, activate_after: 0 } })).join().present('Alice');
    bot.run(10);
    bot.present();
    expect(bot.run(200)).toMatchObject({ at: 90, decision: { rule: 'everyone_left' } });
  });
});

describe('decisions', () => {
  it('keeps the first decision while the bot is leaving, then says nothing once the call has ended', () => {
    const bot = new Bot(only({ everyone_left: { timeout: 2, activate_after: 0 }, max_uptime: 10 })).join().present('Alice');
    bot.run(5);
    bot.present();
    const first = bot.run(10);
    expect(first?.decision.rule).toBe('everyone_left');
    bot.clock.advanceSeconds(60); // max_uptime has expired too by now
    expect(bot.engine.evaluate()).toBe(first?.decision);
    bot.status('call_ended');
    expect(bot.engine.evaluate()).toBeNull();
    bot.status('done');
    expect(bot.engine.evaluate()).toBeNull();
  });

  it('says nothing after a fatal end', () => {
    const bot = new Bot(only({ waiting_room_timeout: 1 })).status('joining_call', 'in_waiting_room', 'fatal');
    expect(bot.run(100)).toBeNull();
  });

  it('reports elapsed to the millisecond when evaluated between ticks', () => {
    const bot = new Bot(only({ waiting_room_timeout: 60 })).status('joining_call', 'in_waiting_room');
    bot.clock.advance(61_234);
    expect(bot.engine.evaluate()?.figures).toEqual({ timeout: 60, elapsed: 61.234 });
  });
});

describe('Recall defaults', () => {
  it('leaves 2 s after the last person, even with a notetaker still there', () => {
    const bot = new Bot({ ...RECALL_DEFAULTS, bot_names: RECALL_NAME_DETECTION }).join();
    bot.present('Alice', 'Bob', 'Fathom Notetaker');
    expect(bot.run(1800, SPEECH)).toBeNull();
    bot.present('Fathom Notetaker');
    expect(bot.run(60, QUIET)).toEqual({
      at: 2,
      decision: {
        rule: 'everyone_left',
        status: 'call_ended',
        sub_code: 'timeout_exceeded_everyone_left',
        figures: { timeout: 2, elapsed: 2, activate_after: 0 },
      },
    });
  });

  it('leaves an empty call at 1200 s as noone_joined, before silence could', () => {
    const bot = new Bot(RECALL_DEFAULTS).join().present();
    expect(bot.run(5000, QUIET)).toMatchObject({ at: 1200, decision: { sub_code: 'timeout_exceeded_noone_joined' } });
  });

  it('leaves a silent meeting with people in it after 1200 + 3600 s', () => {
    const bot = new Bot(RECALL_DEFAULTS).join().present('Alice');
    expect(bot.run(10_000, QUIET)).toMatchObject({ at: 4800, decision: { sub_code: 'timeout_exceeded_silence_detected' } });
  });

  it('without name detection, counts a notetaker as a person and stays with it until silence', () => {
    const bot = new Bot(RECALL_DEFAULTS).join().present('Alice', 'Fathom Notetaker');
    bot.run(1800, SPEECH);
    bot.present('Fathom Notetaker');
    expect(bot.run(10_000, QUIET)).toMatchObject({ at: 3600, decision: { rule: 'silence' } });
  });

  it('with name detection, leaves a call that only notetakers came to at 1200 + 3600 s', () => {
    const bot = new Bot({ ...RECALL_DEFAULTS, bot_names: RECALL_NAME_DETECTION, noone_joined_timeout: 7200 }).join();
    bot.present('Fathom Notetaker', 'Read.ai');
    expect(bot.run(10_000, SPEECH)).toMatchObject({
      at: 4800,
      decision: { sub_code: 'timeout_exceeded_only_bots_detected_using_participant_names' },
    });
  });

  it('stays in a meeting with a live conversation', () => {
    const bot = new Bot(RECALL_DEFAULTS).join().present('Alice', 'Bob');
    expect(bot.run(4 * 3600, SPEECH)).toBeNull();
  });

  it('gives up on the lobby at 1200 s and on a bot kept out of recording at 3600 s', () => {
    const lobby = new Bot(RECALL_DEFAULTS).status('joining_call', 'in_waiting_room');
    expect(lobby.run(2000)).toMatchObject({ at: 1200, decision: { sub_code: 'timeout_exceeded_waiting_room' } });

    const notRecording = new Bot(RECALL_DEFAULTS).status('joining_call', 'in_call_not_recording').present('Alice');
    expect(notRecording.run(4000, SPEECH)).toMatchObject({
      at: 3600,
      decision: { sub_code: 'timeout_exceeded_in_call_not_recording' },
    });
  });
});

describe('Attendee defaults', () => {
  it('leaves an empty call by silence at 1200 + 600 s (there is no noone-joined rule)', () => {
    const bot = new Bot(ATTENDEE_DEFAULTS).join().present();
    expect(bot.run(5000, QUIET)).toMatchObject({ at: 1800, decision: { sub_code: 'timeout_exceeded_silence_detected' } });
  });

  it('does not leave an empty call whose audio never arrives (the capture watchdog owns that)', () => {
    expect(new Bot(ATTENDEE_DEFAULTS).join().present().run(5000)).toBeNull();
  });

  it('leaves 60 s after the only other participant left', () => {
    const bot = new Bot(ATTENDEE_DEFAULTS).join().present('Alice');
    bot.run(300, SPEECH);
    bot.present();
    expect(bot.run(600, QUIET)).toMatchObject({ at: 60, decision: { rule: 'everyone_left', figures: { timeout: 60 } } });
  });

  it('ignores bot_keywords participants when deciding that everyone left, and reports it as everyone_left', () => {
    const keywords: NameRule = { timeout: 60, activate_after: 0, matches: ['notetaker', 'read ai'], match: 'whole_word', leave_when_only_bots: false };
    const bot = new Bot({ ...ATTENDEE_DEFAULTS, bot_names: keywords }).join().present('Alice', 'Read-AI Notes');
    bot.run(300, SPEECH);
    bot.present('Read-AI Notes');
    expect(bot.run(600, QUIET)).toMatchObject({ at: 60, decision: { rule: 'everyone_left' } });
  });

  it('never leaves just because a bot_keywords participant arrived before any person (Attendee only ignores them)', () => {
    const keywords: NameRule = { timeout: 60, activate_after: 0, matches: ['notetaker'], match: 'whole_word', leave_when_only_bots: false };
    const bot = new Bot({ ...ATTENDEE_DEFAULTS, bot_names: keywords }).join().present('Fathom Notetaker');
    expect(bot.run(1000, SPEECH)).toBeNull();
  });

  it('gives up on the host at 600 s (fatal) and on the lobby at 900 s', () => {
    const host = new Bot(ATTENDEE_DEFAULTS).status('joining_call');
    host.engine.onWaitingForHost(true);
    expect(host.run(2000)).toMatchObject({ at: 600, decision: { status: 'fatal', sub_code: 'meeting_not_started' } });

    const lobby = new Bot(ATTENDEE_DEFAULTS).status('joining_call', 'in_waiting_room');
    expect(lobby.run(2000)).toMatchObject({ at: 900, decision: { status: 'call_ended', sub_code: 'timeout_exceeded_waiting_room' } });
  });

  it('leaves at max_uptime_seconds when set', () => {
    const bot = new Bot({ ...ATTENDEE_DEFAULTS, max_uptime: 3600 }).join().present('Alice');
    expect(bot.run(5000, SPEECH)).toMatchObject({ at: 3600, decision: { sub_code: 'timeout_exceeded_max_duration' } });
  });
});
