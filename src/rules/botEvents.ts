import { countedMs, fireAfter, type LeaveRule } from './leaveDecision.js';
import { isInCall } from './ruleSnapshot.js';

/**
 * Others are present and none of them has spoken or shared a screen since the bot joined: they are taken for
 * bots (Recall bot_detection.using_participant_events). Weak evidence where the page shows no speech
 * events, which is why it runs after the name rule.
 */
export const botEvents: LeaveRule = (spec, s, nowMs) => {
  const rule = spec.bot_events;
  if (rule === null || !isInCall(s.status) || s.joinedAt === null || s.onlyEventBotsSince === null) return null;
  return fireAfter({
    rule: 'bot_events',
    sub_code: 'timeout_exceeded_only_bots_detected_using_participant_events',
    timeout: rule.timeout,
    elapsedMs: countedMs(s.onlyEventBotsSince, s.joinedAt + rule.activate_after * 1000, nowMs),
    figures: { activate_after: rule.activate_after, bots: s.othersPresent },
  });
};
