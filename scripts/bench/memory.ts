import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

// Resident memory of the `next start` process (and any child processes it starts; worker threads share the
// process, so its RSS already counts them), per bench phase. The peak of a phase comes from the kernel's own
// high-water mark (VmHWM, reset at the start of the phase through /proc/<pid>/clear_refs), so a spike between two
// samples is not missed; the sampler is the fallback where the reset is not allowed, and the only source for
// child processes.

const SAMPLE_MS = 100;
const KB = 1024;

export interface MemoryPhase {
  phase: string;
  /** Highest RSS during the phase, in MB: the process's high-water mark plus its children's sampled peak. */
  peakMb: number;
  /** At the end of the phase: RSS, and how much of it is anonymous memory (heaps, WASM memory) vs mapped files (code). */
  endMb: number;
  anonymousMb: number;
  fileMb: number;
  /** The scenario's kind, for the goal column: load (50 connections), ingest (pipeline work) or idle. */
  kind: 'idle' | 'load' | 'ingest' | 'other';
}

interface Status {
  rssKb: number;
  hwmKb: number;
  anonKb: number;
  fileKb: number;
}

function readStatus(pid: number): Status | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM'), anonKb: field('RssAnon'), fileKb: field('RssFile') + field('RssShmem') };
  } catch {
    return null;
  }
}

// Every live descendant of `pid`, from the parent ids in /proc/<n>/stat.
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // The process ended while being listed.
    }
  }
  const out: number[] = [];
  const visit = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      out.push(child);
      visit(child);
    }
  };
  visit(pid);
  return out;
}

// Asks the kernel to restart VmHWM from the current RSS (Linux ≥ 4.0; needs the same user as the process).
function resetHighWaterMark(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const mb = (kb: number) => kb / KB;

export class MemorySampler {
  readonly phases: MemoryPhase[] = [];
  private children: number[] = [];
  private childrenListedAt = 0;

  constructor(private readonly pid: number | undefined) {}

  /** Runs `fn` as a phase and records the server's peak and final memory over it. */
  async measure<T>(phase: string, kind: MemoryPhase['kind'], fn: () => Promise<T>): Promise<T> {
    const pid = this.pid;
    if (pid === undefined || readStatus(pid) === null) return fn();
    const hwmReset = resetHighWaterMark(pid);
    let sampledKb = 0;
    const sample = () => {
      const own = readStatus(pid)?.rssKb ?? 0;
      sampledKb = Math.max(sampledKb, own + this.childrenRssKb(pid));
    };
    sample();
    const timer = setInterval(sample, SAMPLE_MS);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
      sample();
      this.record(phase, kind, pid, hwmReset, sampledKb);
    }
  }

  /** A point-in-time reading (e.g. idle after start), without a load in between. */
  snapshot(phase: string): void {
    if (this.pid === undefined || readStatus(this.pid) === null) return;
    const status = readStatus(this.pid);
    if (!status) return;
    const childKb = this.childrenRssKb(this.pid);
    this.phases.push({
      phase,
      kind: 'idle',
      peakMb: mb(status.rssKb + childKb),
      endMb: mb(status.rssKb + childKb),
      anonymousMb: mb(status.anonKb),
      fileMb: mb(status.fileKb),
    });
  }

  private record(phase: string, kind: MemoryPhase['kind'], pid: number, hwmReset: boolean, sampledKb: number): void {
    const status = readStatus(pid);
    if (!status) return;
    const childKb = this.childrenRssKb(pid);
    const peakKb = hwmReset ? Math.max(sampledKb, status.hwmKb + childKb) : sampledKb;
    this.phases.push({
      phase,
      kind,
      peakMb: mb(peakKb),
      endMb: mb(status.rssKb + childKb),
      anonymousMb: mb(status.anonKb),
      fileMb: mb(status.fileKb),
    });
  }

  // The process table is listed at most once a second: listing it every sample would cost the bench more than
  // the children it finds (`next start` normally has none).
  private childrenRssKb(pid: number): number {
    if (performance.now() - this.childrenListedAt > 1000) {
      this.children = descendants(pid);
      this.childrenListedAt = performance.now();
    }
    let total = 0;
    for (const child of this.children) total += readStatus(child)?.rssKb ?? 0;
    return total;
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '–');

/** The report's "Memory" table; `goalMb` is the ceiling under load and while ingesting on this backend. */
export function memoryTable(phases: readonly MemoryPhase[], goalMb: number): string {
  const loaded = phases.filter((p) => p.kind === 'load' || p.kind === 'ingest');
  const worst = loaded.reduce((max, p) => Math.max(max, p.peakMb), 0);
  const rows = phases.map((p) => {
    const against = p.kind === 'load' || p.kind === 'ingest' ? (p.peakMb <= goalMb ? 'yes' : `no (+${fmt(p.peakMb - goalMb)})`) : '–';
    return `| ${p.phase} | ${fmt(p.peakMb)} | ${fmt(p.endMb)} | ${fmt(p.anonymousMb)} | ${fmt(p.fileMb)} | ${against} |`;
  });
  return [
    `| phase | peak RSS MB | RSS at end MB | anonymous MB | file-backed MB | ≤ ${goalMb} MB |`,
    '|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `Highest under load or ingesting: ${fmt(worst)} MB (goal ≤ ${goalMb} MB). RSS of the \`next start\` process from /proc ` +
      '(worker threads included; child processes added, if any); the peak is the kernel\'s high-water mark (VmHWM) reset at ' +
      'the start of each phase. Anonymous memory is the V8 heaps of the main thread and the pipeline workers, ' +
      'buffers and, on PGlite, the database\'s WebAssembly memory; file-backed is mapped code (node, the WASM module, ' +
      'shared libraries).',
  ].join('\n');
}
