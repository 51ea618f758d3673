/** Test support: the processes of a process group, and the process tree below a pid, read from `ps`. */
import { execFileSync } from 'node:child_process';

export interface ProcessRow {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** `ps` state: `Z` for a zombie (ended, waiting for its parent or init to reap it). */
  readonly state: string;
  readonly command: string;
}

export function processTable(): ProcessRow[] {
  const text = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,pgid=,stat=,comm='], { encoding: 'utf8' });
  return text.trim().split('\n').map((line) => {
    const [pid, ppid, pgid, state, ...command] = line.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), state: state ?? '', command: command.join(' ') };
  });
}

/** The processes of the groups that still run: zombies have ended, only their reaping is pending. */
export function runningInGroups(pgids: ReadonlySet<number>): ProcessRow[] {
  return processTable().filter((row) => pgids.has(row.pgid) && !row.state.startsWith('Z'));
}

/** `root` and every process below it. */
export function processTree(root: number): ProcessRow[] {
  const table = processTable();
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of table) {
      if (inTree.has(row.ppid) && !inTree.has(row.pid)) {
        inTree.add(row.pid);
        grew = true;
      }
    }
  }
  return table.filter((row) => inTree.has(row.pid));
}

export async function waitUntil(condition: () => boolean, limitMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, pollMs));
  return condition();
}
