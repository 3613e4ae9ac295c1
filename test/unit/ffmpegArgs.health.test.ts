import { describe, expect, it } from 'vitest';
import type { RecordingSpec } from '../../src/config/botSpec.js';
import { FREEZE_MIN_SEC, FREEZE_NOISE_DB, recordingArgs } from '../../src/capture/ffmpegArgs.js';
import { recordingSpec } from '../helpers/mediaBot.js';

// The health report's side of the capture: a tiny copy of the grab goes to freezedetect, whose info-level lines
// the recorder reads, while the recording keeps mapping the grab itself.

const spec = (mode: RecordingSpec['mode']): RecordingSpec => recordingSpec({ mode });
const inputs = { display: ':7', audioSource: 'x.monitor', size: { width: 1280, height: 720 }, timeOriginMs: 1_700_000_000_000 };
const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1] ?? '';

describe('recordingArgs: freeze detection', () => {
  it('video: a 64x36 fast_bilinear copy of the grab into freezedetect and a nullsink, the recording still maps the grab', () => {
    const args = recordingArgs(spec('video_and_audio'), inputs, { file: '/o/recording.part000.mp4' });
    const branch = valueOf(args, '-filter_complex').split(';').find((g) => g.includes('freezedetect'));
    expect(branch).toBe(`[0:v]scale=64:36:flags=fast_bilinear,freezedetect=n=${FREEZE_NOISE_DB}dB:d=${FREEZE_MIN_SEC},nullsink`);
    expect(valueOf(args, '-map')).toBe('0:v');
    expect(valueOf(args, '-loglevel')).toBe('level+info');
  });

  it('audio only and none: no picture, no freezedetect, warnings only', () => {
    for (const mode of ['audio_only', 'none'] as const) {
      const args = recordingArgs(spec(mode), inputs, { file: mode === 'none' ? null : '/o/recording.part000.m4a' });
      expect(args.join(' ')).not.toContain('freezedetect');
      expect(valueOf(args, '-loglevel')).toBe('level+warning');
    }
  });
});
