import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

// Per-thread facts from Linux's /proc, used to run pipeline workers at a lower priority and to measure their CPU
// time; elsewhere these answer null and do nothing.

const MAX_NICE = 19;
// Kernel clock ticks per second in /proc/<pid>/task/<tid>/stat (USER_HZ): 100 on every Linux architecture Node runs on.
const TICKS_PER_SECOND = 100;

// The calling thread's kernel id: /proc/thread-self links to <pid>/task/<tid>.
export function currentThreadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

// Lowers the scheduling priority of the calling thread only (on Linux the nice value is per thread), so that when
// the cores are busy the kernel prefers the thread serving HTTP. Raising one's own nice value needs no privilege.
export function lowerThreadPriority(increment: number): number | null {
  const tid = currentThreadId();
  if (tid === null || increment <= 0) return null;
  try {
    const nice = Math.min(MAX_NICE, os.getPriority(tid) + increment);
    os.setPriority(tid, nice);
    return nice;
  } catch {
    return null;
  }
}

// CPU time (user + system) a thread of this process has used, in milliseconds, at 10 ms resolution.
export function threadCpuMs(tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces, hence the last ')'): utime and stime are 12 and 13.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
