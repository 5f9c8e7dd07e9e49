import { readdirSync, readFileSync } from 'node:fs';

// Linux's USER_HZ: /proc reports CPU time in these ticks.
const TICKS_PER_SECOND = 100;

interface ProcStat {
  command: string;
  cpuSeconds: number;
}

// /proc/<pid>/stat: "pid (command) state ..." with utime and stime as the 14th and 15th fields.
function readStat(pid: string): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { command: stat.slice(stat.indexOf('(') + 1, close), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** CPU seconds a process has used, all threads; NaN where /proc is not there (not Linux). */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  return readStat(String(pid))?.cpuSeconds ?? Number.NaN;
}

/** CPU seconds used by every live process with this command name (e.g. the local PostgreSQL server's backends). */
export function commandCpuSeconds(command: string): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return Number.NaN;
  }
  let total = 0;
  for (const pid of entries) {
    const stat = readStat(pid);
    if (stat?.command === command) total += stat.cpuSeconds;
  }
  return total;
}
