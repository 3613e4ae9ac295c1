import { describe, expect, it } from 'vitest';
import { botConfigJsonSchema, configReferenceMarkdown } from '../../src/config/reference.js';

type Node = {
  description?: string;
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
  additionalProperties?: boolean | Node;
  required?: string[];
  default?: unknown;
};

/** The object-shaped parts of a node: itself, its array items, its union branches. */
function parts(node: Node): Node[] {
  if (node.properties) return [node];
  if (node.items) return parts(node.items);
  return [...(node.anyOf ?? []), ...(node.oneOf ?? [])].flatMap(parts);
}

/** Every named property in the schema, with its path. */
function properties(node: Node, prefix = ''): [string, Node][] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]): [string, Node][] => {
    const path = prefix ? `${prefix}.${name}` : name;
    return [[path, child], ...parts(child).flatMap((part) => properties(part, path))];
  });
}

describe('botConfigJsonSchema', () => {
  const schema = botConfigJsonSchema() as Node & { additionalProperties?: unknown; title?: string };

  it('is a strict object that requires meeting_url and lists both APIs', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['meeting_url']);
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'recording_config',
        'automatic_leave',
        'recording_settings',
        'automatic_leave_settings',
        'websocket_settings',
        'webhooks',
      ]),
    );
  });

  it('describes every field', () => {
    const undocumented = properties(schema)
      .filter(([, node]) => !(node.description ?? node.anyOf?.find((b) => b.description)?.description))
      .map(([path]) => path);
    expect(undocumented).toEqual([]);
  });

  it('publishes the documented defaults', () => {
    const al = schema.properties?.automatic_leave?.anyOf?.[0]?.properties;
    expect(al?.waiting_room_timeout?.default).toBe(1200);
    expect(al?.silence_detection?.default).toEqual({ timeout: 3600, activate_after: 1200 });
    const als = schema.properties?.automatic_leave_settings?.properties;
    expect(als?.waiting_room_timeout_seconds?.default).toBe(900);
    expect(als?.only_participant_in_meeting_timeout_seconds?.default).toBe(60);
    expect(schema.properties?.bot_name?.default).toBe('Meeting Notetaker');
  });
});

describe('configReferenceMarkdown', () => {
  const md = configReferenceMarkdown();
  const row = (path: string) => md.split('\n').find((line) => line.startsWith(`| \`${path}\` |`));

  it('has one row per field path with type, default and description', () => {
    expect(row('automatic_leave.silence_detection.timeout')).toBe(
      '| `automatic_leave.silence_detection.timeout` | integer >= 10 | `3600` | Seconds of continuous silence before leaving (min 10). |',
    );
    expect(row('bot_name')).toContain('| string 1..100 chars | `"Meeting Notetaker"` |');
    expect(row('websocket_settings.audio.sample_rate')).toContain('`8000` \\| `16000` \\| `24000` | `16000` |');
    expect(row('meeting_url')).toContain('**required**');
    expect(row('webhooks[].triggers')).toContain('"bot.state_change"');
    expect(row('recording_config.realtime_endpoints[]{type=websocket}.url')).toContain('ws:// or wss://');
  });

  it('covers every field of the JSON Schema', () => {
    const fields = md.slice(md.indexOf('#### Fields'));
    const rows = fields.split('\n').filter((l) => l.startsWith('| `')).length;
    expect(rows).toBe(properties(botConfigJsonSchema() as Node).length);
    expect(row('automatic_leave_settings.bot_keywords')).toBeDefined();
    expect(row('recording_settings.format')).toBeDefined();
  });

  it('documents the per-API automatic-leave defaults and the mappings', () => {
    expect(md).toContain('| `waiting_room_timeout` | 1200 s | 900 s |');
    expect(md).toContain('| `everyone_left` | 2 s after 0 s | 60 s after 0 s |');
    expect(md).toContain('| `silence` | 3600 s after 1200 s | 600 s after 1200 s |');
    expect(md).toMatch(/`format: "mp3"` records audio only as MP3/);
    expect(md).toMatch(/`video_mixed_mp4: null` records audio only when `audio_mixed_raw` is set/);
  });

  it('is stable (generated docs must not change between runs)', () => {
    expect(configReferenceMarkdown()).toBe(md);
  });
});
