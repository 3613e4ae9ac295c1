import { describe, expect, it } from 'vitest';
import { parseFreezeLine, SegmentFreezes } from '../../src/capture/freezeLog.js';

describe('freezedetect lines', () => {
  it('reads freeze_start and freeze_end, and nothing else', () => {
    expect(parseFreezeLine('[freezedetect @ 0x55d1] [info] lavfi.freezedetect.freeze_start: 4')).toEqual({ kind: 'start', sec: 4 });
    expect(parseFreezeLine('[Parsed_freezedetect_1 @ 0x5] [info] lavfi.freezedetect.freeze_end: 12.5333')).toEqual({ kind: 'end', sec: 12.5333 });
    expect(parseFreezeLine('[freezedetect @ 0x55d1] [info] lavfi.freezedetect.freeze_duration: 8.5')).toBeNull();
    expect(parseFreezeLine('[info] Output #0, mp4, to \'x.mp4\':')).toBeNull();
    expect(parseFreezeLine('[warning] lavfi.freezedetect.freeze_start: soon')).toBeNull();
  });

  it('turns a segment’s lines into wall-clock spans, closing a freeze still on at the segment’s last output', () => {
    const f = new SegmentFreezes(1_000_000);
    expect(f.see('[info] Stream mapping:')).toBe(false);
    expect(f.see('[freezedetect @ 0x1] [info] lavfi.freezedetect.freeze_start: 2.5')).toBe(true);
    f.see('[freezedetect @ 0x1] [info] lavfi.freezedetect.freeze_duration: 3');
    f.see('[freezedetect @ 0x1] [info] lavfi.freezedetect.freeze_end: 5.5');
    f.see('[freezedetect @ 0x1] [info] lavfi.freezedetect.freeze_start: 9');
    expect(f.close(1_020_000)).toEqual([
      { startMs: 1_002_500, endMs: 1_005_500 },
      { startMs: 1_009_000, endMs: 1_020_000 },
    ]);
  });

  it('ignores an end without a start (the filter restarted with the segment)', () => {
    const f = new SegmentFreezes(0);
    f.see('[freezedetect @ 0x1] [info] lavfi.freezedetect.freeze_end: 5');
    expect(f.close(10_000)).toEqual([]);
  });
});
