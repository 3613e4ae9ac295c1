import { execFileSync } from 'node:child_process';

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Process start time (ps lstart): with the pid, it tells a process from a later one that reused its pid. */
  started: string;
  /** ps state letters; Z = a zombie, dead and only waiting for its parent (or init) to reap it. */
  state: string;
  args: string;
}

function table(): ProcInfo[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,lstart=,args='], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const rows: ProcInfo[] = [];
  for (const line of out.split('\n')) {
    // lstart is five words: "Sat Nov 21 09:42:07 2026".
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(.*)$/.exec(line);
    if (m) rows.push({ pid: Number(m[1]), ppid: Number(m[2]), state: m[3]!, started: m[4]!, args: m[5]! });
  }
  return rows;
}

/** Every process below `root` (children, their children, ...), as ps shows them now. */
export function descendants(root: number): ProcInfo[] {
  const all = table();
  const found: ProcInfo[] = [];
  let frontier = new Set([root]);
  while (frontier.size > 0) {
    const next = all.filter((p) => frontier.has(p.ppid));
    found.push(...next);
    frontier = new Set(next.map((p) => p.pid));
  }
  return found;
}

/**
 * Collects every process a bot starts during its life (ffmpeg restarts included) by looking at its tree once a
 * second, so that after the bot exits the test can prove none of them is left.
 */
export class TreeWatcher {
  private readonly seen = new Map<string, ProcInfo>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly root: number) {
    this.timer = setInterval(() => this.look(), 1000);
    this.look();
  }

  look(): ProcInfo[] {
    let now: ProcInfo[] = [];
    try {
      now = descendants(this.root);
    } catch {
      /* ps itself failed under load: next round */
    }
    // The latest sighting that names a program is kept: a process caught between fork and exec still shows its
    // parent's command line (node, setpriv) and becomes what it runs at the next look (same pid, same start), and
    // at the end a dying process shows as "[name]", which must not replace what it was.
    for (const p of now) {
      const key = `${p.pid} ${p.started}`;
      if (!this.seen.has(key) || !p.args.startsWith('[')) this.seen.set(key, p);
    }
    return now;
  }

  /** Every process seen, by kind (what the bot starts: Xvfb, pulseaudio, chromium, ffmpeg, ...). */
  kinds(): Set<string> {
    return new Set([...this.seen.values()].map((p) => kindOf(p.args)));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The processes seen during the bot's life that are still alive now (same pid and start time). Zombies
   * are dead: reaping orphans is init's job (in the container, tini's), not the bot's.
   */
  leftovers(): ProcInfo[] {
    this.stop();
    const alive = new Set(table().filter((p) => !p.state.startsWith('Z')).map((p) => `${p.pid} ${p.started}`));
    return [...this.seen.entries()].filter(([key]) => alive.has(key)).map(([, p]) => p);
  }
}

export function kindOf(args: string): string {
  const exe = args.split(' ')[0] ?? '';
  return exe.split('/').pop() ?? exe;
}
