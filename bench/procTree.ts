import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { median } from './stats.js';

/**
 * Process-tree accounting from /proc: which processes belong to a bot (its Node process and every
 * descendant), how much CPU they used (utime + stime of /proc/<pid>/stat) and how much memory they hold
 * (Pss of /proc/<pid>/smaps_rollup, so pages shared between processes are split, not counted twice).
 */

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

/** /proc/<pid>/stat, or null when the process is gone. The comm field may contain spaces and parentheses. */
function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  // Fields after ") ": state(3) ppid(4) ... utime(14) stime(15); index 0 here is field 3.
  const f = text.slice(close + 2).split(' ');
  return { pid, ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) };
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** Every live process in the trees rooted at `roots` (the roots included), by pid. */
function treeOf(roots: readonly number[], stats: ProcStat[]): Map<number, ProcStat> {
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const tree = new Map<number, ProcStat>();
  const queue = roots.filter((p) => byPid.has(p)).map((p) => byPid.get(p)!);
  while (queue.length) {
    const s = queue.shift()!;
    if (tree.has(s.pid)) continue;
    tree.set(s.pid, s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  return tree;
}

/** Pss of one process in kB (0 when it is gone or unreadable). */
function pssKb(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * What a process is, for the per-process breakdown: the program, and for Chromium its process type
 * (browser, renderer, utility:<service>, zygote, gpu-process).
 */
export function processKind(pid: number, comm: string): string {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
    // Chromium's child processes rewrite their title: one NUL-free string with spaces between arguments.
    if (argv.length === 1) argv = argv[0]!.split(' ');
  } catch {
    return comm;
  }
  const exe = (argv[0] ?? comm).split('/').pop() ?? comm;
  if (exe === 'chromium' || exe === 'chrome' || comm.startsWith('chrom')) {
    const type = argv.find((a) => a.startsWith('--type='))?.slice('--type='.length);
    if (!type) return 'chromium:browser';
    const sub = argv.find((a) => a.startsWith('--utility-sub-type='))?.split('=')[1]?.split('.')[0];
    return sub ? `chromium:${type}:${sub}` : `chromium:${type}`;
  }
  if (exe === 'node') return 'node';
  return exe;
}

export interface TreeUsage {
  /** CPU used by the tree over the window, in cores (CPU-seconds per second). */
  cores: number;
  /** Median over the window's slices (`sliceSamples` intervals each) of the tree's CPU, in cores. */
  coresMedian: number;
  /** Per process kind, in cores. */
  coresByKind: Record<string, number>;
  /** Median over the window's memory samples of the tree's summed Pss, MB. */
  pssMb: number;
  /** Per process kind, MB (from the sample closest to that median). */
  pssMbByKind: Record<string, number>;
  /** Live processes at the end of the window. */
  processes: number;
  seconds: number;
}

interface Tracked {
  kind: string;
  first: number;
  last: number;
}

/**
 * Samples the trees under given root pids (one tree per key: a bot, a Chromium, ...) over a window.
 * CPU: a process seen at the window's first sample counts from that sample's ticks, one born later from 0
 * (its whole life is inside the window); a process that dies between samples loses at most one interval.
 */
export class TreeSampler {
  private readonly tracked = new Map<string, Map<number, Tracked>>();
  private readonly pss = new Map<string, { total: number; byKind: Record<string, number> }[]>();
  /** Per key: [ms since start, ticks used by the tree since the window began] at every sample. */
  private readonly cumulative = new Map<string, [number, number][]>();
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private stoppedAt = 0;
  private samples = 0;

  constructor(
    private readonly roots: ReadonlyMap<string, readonly number[]>,
    private readonly opts: { intervalMs?: number; pssEvery?: number; sliceSamples?: number } = {},
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), this.opts.intervalMs ?? 1000);
  }

  stop(): Map<string, TreeUsage> {
    if (this.timer) clearInterval(this.timer);
    this.sample(false, true);
    this.stoppedAt = performance.now();
    const seconds = (this.stoppedAt - this.startedAt) / 1000;
    const result = new Map<string, TreeUsage>();
    for (const key of this.roots.keys()) {
      const procs = [...(this.tracked.get(key)?.values() ?? [])];
      const coresByKind: Record<string, number> = {};
      let ticks = 0;
      for (const p of procs) {
        const d = p.last - p.first;
        ticks += d;
        coresByKind[p.kind] = (coresByKind[p.kind] ?? 0) + d / CLK_TCK / seconds;
      }
      const cum = this.cumulative.get(key) ?? [];
      const slice = this.opts.sliceSamples ?? 5;
      const rates: number[] = [];
      for (let i = slice; i < cum.length; i += slice) {
        const [t0, c0] = cum[i - slice]!;
        const [t1, c1] = cum[i]!;
        rates.push((c1 - c0) / CLK_TCK / ((t1 - t0) / 1000));
      }
      const mem = [...(this.pss.get(key) ?? [])].sort((a, b) => a.total - b.total);
      const mid = mem[mem.length >> 1];
      result.set(key, {
        cores: ticks / CLK_TCK / seconds,
        coresMedian: rates.length ? median(rates) : ticks / CLK_TCK / seconds,
        coresByKind: roundAll(coresByKind, 3),
        pssMb: mid ? mid.total / 1024 : 0,
        pssMbByKind: mid ? roundAll(Object.fromEntries(Object.entries(mid.byKind).map(([k, v]) => [k, v / 1024])), 1) : {},
        processes: procs.length,
        seconds,
      });
    }
    return result;
  }

  private sample(first: boolean, last = false): void {
    const stats = allStats();
    const every = this.opts.pssEvery ?? 5;
    const withPss = first || last || this.samples % every === 0;
    this.samples++;
    for (const [key, roots] of this.roots) {
      const tree = treeOf(roots, stats);
      let tracked = this.tracked.get(key);
      if (!tracked) this.tracked.set(key, (tracked = new Map<number, Tracked>()));
      let used = 0;
      for (const s of tree.values()) {
        const t = tracked.get(s.pid);
        if (t) {
          used += s.ticks - t.last;
          t.last = s.ticks;
        } else {
          const base = first ? s.ticks : 0;
          used += s.ticks - base;
          tracked.set(s.pid, { kind: processKind(s.pid, s.comm), first: base, last: s.ticks });
        }
      }
      const cum = this.cumulative.get(key) ?? [];
      cum.push([performance.now() - this.startedAt, (cum.at(-1)?.[1] ?? 0) + used]);
      this.cumulative.set(key, cum);
      if (withPss) {
        const byKind: Record<string, number> = {};
        let total = 0;
        for (const s of tree.values()) {
          const kb = pssKb(s.pid);
          total += kb;
          const kind = tracked.get(s.pid)!.kind;
          byKind[kind] = (byKind[kind] ?? 0) + kb;
        }
        const list = this.pss.get(key) ?? [];
        list.push({ total, byKind });
        this.pss.set(key, list);
      }
    }
  }
}

function roundAll(o: Record<string, number>, digits: number): Record<string, number> {
  const f = 10 ** digits;
  return Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v * f) / f]));
}

/** Direct children of `pid` (e.g. to find the participants' browser under this process). */
export function childrenOf(pid: number): number[] {
  return allStats()
    .filter((s) => s.ppid === pid)
    .map((s) => s.pid);
}

/** The pid of the first process in the tree under `root` whose kind matches. */
export function findInTree(root: number, kind: string): number | null {
  for (const s of treeOf([root], allStats()).values()) {
    if (processKind(s.pid, s.comm) === kind) return s.pid;
  }
  return null;
}
