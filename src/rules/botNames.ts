import { countedMs, fireAfter, type LeaveRule } from './leaveDecision.js';
import { isInCall } from './ruleSnapshot.js';

/** Others are present and every one of them has a bot's name (Recall bot_detection.using_participant_names). */
export const botNames: LeaveRule = (spec, s, nowMs) => {
  const rule = spec.bot_names;
  if (rule === null || !rule.leave_when_only_bots || !isInCall(s.status) || s.joinedAt === null || s.onlyNameBotsSince === null) return null;
  return fireAfter({
    rule: 'bot_names',
    sub_code: 'timeout_exceeded_only_bots_detected_using_participant_names',
    timeout: rule.timeout,
    elapsedMs: countedMs(s.onlyNameBotsSince, s.joinedAt + rule.activate_after * 1000, nowMs),
    figures: { activate_after: rule.activate_after, match: rule.match, bots: s.nameBots.join(', ') },
  });
};
