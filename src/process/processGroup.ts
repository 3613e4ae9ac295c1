import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of the processes of group `pgid` that are still alive (zombies, which only wait for their parent to
 * reap them, do not count). Reads /proc; elsewhere it reports none.
 */
export function liveGroupMembers(pgid: number): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(pid));
  }
  return members;
}

/**
 * Waits until nothing of group `pgid` is alive: a group SIGKILL is sent at once, but dozens of Chromium
 * processes take a moment to die on a loaded machine, and "stopped" must mean gone. Resolves false if some
 * member outlived `timeoutMs`.
 */
export async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (liveGroupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
