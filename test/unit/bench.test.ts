import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { recorderVideoEncoderArgs, recordingSpecFor } from '../../bench/floors.js';
import { TreeSampler } from '../../bench/procTree.js';
import { densityChart } from '../../bench/svgChart.js';

// The bench's own machinery (npm run bench itself is not part of npm test): what it counts and compares.

test('the encode floor uses exactly the recorder video encoder options', () => {
  const args = recorderVideoEncoderArgs(recordingSpecFor({}));
  expect(args.slice(0, 2)).toEqual(['-c:v', 'libx264']);
  expect(args).toContain('-preset');
  // Audio and output options stay out: the floor is the video encoder alone.
  expect(args).not.toContain('-map');
  expect(args.join(' ')).not.toMatch(/-c:a|\.mp4/);
});

test('the tree sampler counts CPU of a process tree, descendants included, and nothing outside it', async () => {
  // A shell whose child burns CPU, next to a process that only sleeps.
  const busy = spawn('sh', ['-c', 'node -e "const t=Date.now(); while (Date.now()-t < 1500);"'], { stdio: 'ignore' });
  const idle = spawn('sleep', ['3'], { stdio: 'ignore' });
  const sampler = new TreeSampler(new Map([['busy', [busy.pid!]], ['idle', [idle.pid!]]]), { intervalMs: 200 });
  sampler.start();
  await new Promise((r) => busy.once('exit', r));
  const usage = sampler.stop();
  idle.kill();
  expect(usage.get('busy')!.cores).toBeGreaterThan(0.05);
  expect(usage.get('busy')!.coresByKind.node).toBeGreaterThan(0.05);
  expect(usage.get('idle')!.cores).toBeLessThan(0.05);
  // PSS is sampled less often than CPU: on a loaded machine the only sample may see the shell alone (~0.3 MB).
  expect(usage.get('busy')!.pssMb).toBeGreaterThan(0.1);
});

test('the density chart draws every bot, the medians and the target', () => {
  const svg = densityChart(
    { title: 'CPU per bot', unit: 'cores', target: 0.35, floor: 0.3, points: [{ bots: 1, values: [0.5], ok: true }, { bots: 2, values: [0.6, 0.7], ok: false }] },
    { title: 'PSS per bot', unit: 'MB', target: 300, points: [{ bots: 1, values: [500], ok: true }, { bots: 2, values: [480, 490], ok: false }] },
    'caption <&>',
  );
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.match(/r="2.5"/g)).toHaveLength(6);
  expect(svg).toContain('target 0.35');
  expect(svg).toContain('target 300');
  expect(svg).toContain('caption &lt;&amp;&gt;');
});
