import type { ChatMessageSeen, ParticipantInfo } from '../platform/adapter.js';

export interface ParticipantChange {
  kind: 'join' | 'leave' | 'speech_on' | 'speech_off';
  participant: ParticipantInfo;
}

/**
 * Turns successive page snapshots into events: who joined, left, started and stopped speaking (the bot itself
 * excluded), and which chat
 * messages are new. Meet's chat rows carry no ids, so messages are matched by position in the list: the
 * list only grows while the panel is open.
 */
export class MeetingTracker {
  private present = new Map<string, ParticipantInfo>();
  private chatSeen = 0;

  /** Everyone other than the bot currently in the meeting. */
  get others(): ParticipantInfo[] {
    return [...this.present.values()];
  }

  updateParticipants(list: ParticipantInfo[] | null): ParticipantChange[] {
    if (list === null) return [];
    const next = new Map(list.filter((p) => !p.is_self).map((p) => [p.id, p]));
    const changes: ParticipantChange[] = [];
    for (const [id, p] of next) {
      const before = this.present.get(id);
      if (!before) changes.push({ kind: 'join', participant: p });
      if (p.speaking !== (before?.speaking ?? false)) changes.push({ kind: p.speaking ? 'speech_on' : 'speech_off', participant: p });
    }
    for (const [id, p] of this.present) {
      if (next.has(id)) continue;
      if (p.speaking) changes.push({ kind: 'speech_off', participant: p });
      changes.push({ kind: 'leave', participant: p });
    }
    this.present = next;
    return changes;
  }

  newChatMessages(visible: ChatMessageSeen[]): ChatMessageSeen[] {
    // A shorter list means the panel was re-rendered or closed: start counting from what is there now.
    if (visible.length < this.chatSeen) this.chatSeen = visible.length;
    const fresh = visible.slice(this.chatSeen);
    this.chatSeen = visible.length;
    return fresh;
  }
}
