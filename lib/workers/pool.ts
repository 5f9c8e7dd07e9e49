import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';
import { threadCpuMs } from './thread';

// A small fixed-size pool of worker threads, hand-rolled rather than piscina because what we need from it is
// specific: tasks are queued per key (the tenant) and dispatched round-robin across keys, so one tenant's backlog
// cannot starve another's; each task has a deadline after which its worker is terminated; and a worker that dies
// (its heap limit, a crash, a deadline) fails only the task it was running and is replaced on demand; deadlines
// count the worker thread's CPU time where the OS tells it, so a busy machine slowing a worker down does not fail
// a document. piscina's queue is first-in first-out and it pulls in a native addon (@napi-rs/nice).

// failed: the task threw inside a healthy worker; the others end (or never reach) a worker.
export type WorkerFailureReason = 'failed' | 'out_of_memory' | 'timeout' | 'crashed' | 'aborted' | 'closed';

export class WorkerTaskError extends Error {
  readonly reason: WorkerFailureReason;

  constructor(reason: WorkerFailureReason, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WorkerTaskError';
    this.reason = reason;
  }
}

export interface WorkerPoolOptions {
  /** The worker's entry file (a self-contained bundle: workers do not share the app's module loader). */
  filename: string;
  size: number;
  resourceLimits: ResourceLimits;
  /**
   * Default deadline per task, counted from when a worker starts it (queueing does not count): the worker
   * thread's CPU time when it announced its thread id (see Hello), else wall-clock time.
   */
  taskTimeoutMs: number;
  /**
   * A worker left without a task for this long is ended, and started again when work arrives: each worker is a
   * V8 isolate whose heap (grown by the last large document) stays resident while it waits. Unset: workers stay.
   */
  idleTimeoutMs?: number;
  workerData?: unknown;
}

export interface RunOptions {
  transfer?: readonly Transferable[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface PoolStats {
  workers: number;
  busy: number;
  queued: number;
  /** Workers started over the pool's life, replacements included. */
  started: number;
}

interface Task {
  id: number;
  key: string;
  message: unknown;
  transfer: readonly Transferable[];
  timeoutMs: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  resolve: (value: unknown) => void;
  reject: (error: WorkerTaskError) => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the pool ends this worker on purpose, so its exit is not reported as a crash. */
  ending: WorkerTaskError | undefined;
  /** Ends the worker once it has waited idleTimeoutMs for a task. */
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The worker's kernel thread id, once it announced it: its CPU time can then be read. */
  tid: number | undefined;
  taskStartedAt: number;
  taskCpuAtStart: number | undefined;
}

// Messages to the worker are `{ id, payload }`; answers are `{ id, ok: true, value }` or `{ id, ok: false, error }`.
// A worker may first announce its kernel thread id with `{ hello: { tid } }` (lib/workers/thread.ts).
interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

function isReply(value: unknown): value is Reply {
  if (typeof value !== 'object' || value === null) return false;
  return 'id' in value && typeof value.id === 'number' && 'ok' in value && typeof value.ok === 'boolean';
}

function helloTid(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || !('hello' in value)) return undefined;
  const hello = value.hello;
  if (typeof hello !== 'object' || hello === null || !('tid' in hello)) return undefined;
  return typeof hello.tid === 'number' && Number.isInteger(hello.tid) ? hello.tid : undefined;
}

// A task whose worker is starved of CPU still ends after this many times its deadline in wall-clock time.
const WALL_CLOCK_FACTOR = 10;
const MIN_RECHECK_MS = 50;

function describeExit(err: unknown): WorkerTaskError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return new WorkerTaskError('out_of_memory', message, { cause: err });
  return new WorkerTaskError('crashed', message, { cause: err });
}

export class WorkerPool {
  private readonly options: WorkerPoolOptions;
  private readonly slots = new Set<Slot>();
  private readonly queues = new Map<string, Task[]>();
  /** Keys with queued tasks, in the order they are served next. */
  private readonly rotation: string[] = [];
  private nextId = 1;
  private started = 0;
  private closed = false;

  constructor(options: WorkerPoolOptions) {
    this.options = { ...options, size: Math.max(1, Math.floor(options.size)) };
  }

  get size(): number {
    return this.options.size;
  }

  stats(): PoolStats {
    let busy = 0;
    for (const slot of this.slots) if (slot.task) busy++;
    let queued = 0;
    for (const tasks of this.queues.values()) queued += tasks.length;
    return { workers: this.slots.size, busy, queued, started: this.started };
  }

  run(key: string, message: unknown, options: RunOptions = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new WorkerTaskError('closed', 'The worker pool is shut down'));
    if (options.signal?.aborted) return Promise.reject(new WorkerTaskError('aborted', 'The task was aborted before it started'));
    return new Promise<unknown>((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        key,
        message,
        transfer: options.transfer ?? [],
        timeoutMs: options.timeoutMs ?? this.options.taskTimeoutMs,
        signal: options.signal,
        onAbort: undefined,
        resolve,
        reject,
      };
      if (task.signal) {
        task.onAbort = () => this.abort(task);
        task.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      const queue = this.queues.get(key);
      if (queue) queue.push(task);
      else {
        this.queues.set(key, [task]);
        this.rotation.push(key);
      }
      this.dispatch();
    });
  }

  // Starts every worker now rather than at the first tasks, so no document waits for a thread to load its code.
  prestart(): void {
    while (!this.closed && this.slots.size < this.options.size) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const tasks of this.queues.values()) {
      for (const task of tasks) this.settle(task, new WorkerTaskError('closed', 'The worker pool is shut down'));
    }
    this.queues.clear();
    this.rotation.length = 0;
    await Promise.all([...this.slots].map((slot) => this.end(slot, new WorkerTaskError('closed', 'The worker pool is shut down'))));
  }

  private takeNext(): Task | undefined {
    const key = this.rotation.shift();
    if (key === undefined) return undefined;
    const queue = this.queues.get(key);
    const task = queue?.shift();
    if (queue && queue.length > 0) this.rotation.push(key);
    else this.queues.delete(key);
    return task;
  }

  private dispatch(): void {
    while (this.rotation.length > 0) {
      let slot = [...this.slots].find((s) => s.task === undefined && s.ending === undefined);
      if (!slot) {
        if (this.slots.size >= this.options.size) return;
        slot = this.spawn();
      }
      const task = this.takeNext();
      if (!task) return;
      this.start(slot, task);
    }
  }

  private spawn(): Slot {
    // The entry is a prebuilt bundle found at run time; bundlers must leave this call alone.
    const worker = new Worker(/* turbopackIgnore: true */ this.options.filename, {
      resourceLimits: this.options.resourceLimits,
      workerData: this.options.workerData,
    });
    this.started++;
    const slot: Slot = {
      worker,
      task: undefined,
      timer: undefined,
      ending: undefined,
      idleTimer: undefined,
      tid: undefined,
      taskStartedAt: 0,
      taskCpuAtStart: undefined,
    };
    worker.unref();
    worker.on('message', (value: unknown) => this.onReply(slot, value));
    worker.on('error', (err: unknown) => this.onExit(slot, describeExit(err)));
    worker.on('exit', (code: number) => this.onExit(slot, new WorkerTaskError('crashed', `The worker exited with code ${code}`)));
    this.slots.add(slot);
    return slot;
  }

  private start(slot: Slot, task: Task): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    slot.task = task;
    // A busy worker keeps the process alive until its task settles; an idle one does not.
    slot.worker.ref();
    slot.taskStartedAt = performance.now();
    slot.taskCpuAtStart = slot.tid === undefined ? undefined : (threadCpuMs(slot.tid) ?? undefined);
    this.arm(slot, task, task.timeoutMs);
    try {
      slot.worker.postMessage({ id: task.id, payload: task.message }, [...task.transfer]);
    } catch (err) {
      // The message could not be cloned (a programming error): fail the task, keep the worker.
      this.finish(slot);
      this.settle(task, new WorkerTaskError('crashed', `The task could not be sent to a worker: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      this.dispatch();
      if (!slot.task) this.armIdle(slot);
    }
  }

  private arm(slot: Slot, task: Task, delayMs: number): void {
    slot.timer = setTimeout(() => this.checkDeadline(slot, task), delayMs);
  }

  // The timer fired: end the task if its worker really spent its budget (or the wall-clock backstop passed),
  // otherwise look again when the rest of the budget could be spent.
  private checkDeadline(slot: Slot, task: Task): void {
    if (slot.task !== task) return;
    const cpu = slot.tid === undefined || slot.taskCpuAtStart === undefined ? null : threadCpuMs(slot.tid);
    const used = cpu === null || slot.taskCpuAtStart === undefined ? undefined : cpu - slot.taskCpuAtStart;
    const wall = performance.now() - slot.taskStartedAt;
    if (used !== undefined && used < task.timeoutMs && wall < task.timeoutMs * WALL_CLOCK_FACTOR) {
      this.arm(slot, task, Math.max(MIN_RECHECK_MS, task.timeoutMs - used));
      return;
    }
    const measure = used === undefined ? 'time' : 'CPU time';
    void this.end(slot, new WorkerTaskError('timeout', `The task did not finish within ${task.timeoutMs} ms of ${measure}`));
  }

  private finish(slot: Slot): Task | undefined {
    const task = slot.task;
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.task = undefined;
    slot.worker.unref();
    return task;
  }

  private settle(task: Task, outcome: WorkerTaskError | { value: unknown }): void {
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
    if (outcome instanceof WorkerTaskError) task.reject(outcome);
    else task.resolve(outcome.value);
  }

  private onReply(slot: Slot, value: unknown): void {
    const tid = helloTid(value);
    if (tid !== undefined) {
      slot.tid = tid;
      // A task handed over while the worker was still starting counts its CPU time from now.
      if (slot.task) slot.taskCpuAtStart = threadCpuMs(tid) ?? undefined;
      return;
    }
    const task = slot.task;
    if (!task || !isReply(value) || value.id !== task.id) return;
    this.finish(slot);
    if (value.ok) this.settle(task, { value: value.value });
    else this.settle(task, new WorkerTaskError('failed', value.error ?? 'The task failed without a message'));
    this.dispatch();
    if (!slot.task) this.armIdle(slot);
  }

  private armIdle(slot: Slot): void {
    const idleMs = this.options.idleTimeoutMs;
    if (idleMs === undefined || slot.ending) return;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      if (!slot.task) void this.end(slot, new WorkerTaskError('closed', 'The worker was idle'));
    }, idleMs);
    // An idle worker's countdown must not keep the process alive.
    slot.idleTimer.unref();
  }

  // 'error' and then 'exit' both arrive for a dying worker; the first one settles its task.
  private onExit(slot: Slot, error: WorkerTaskError): void {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.idleTimer);
    const task = this.finish(slot);
    if (task) this.settle(task, slot.ending ?? error);
    if (!this.closed) this.dispatch();
  }

  private async end(slot: Slot, reason: WorkerTaskError): Promise<void> {
    slot.ending ??= reason;
    await slot.worker.terminate();
    // terminate() resolves before 'exit' is emitted in some Node versions: settle here too.
    this.onExit(slot, reason);
  }

  private abort(task: Task): void {
    const error = new WorkerTaskError('aborted', 'The task was aborted');
    for (const slot of this.slots) {
      if (slot.task === task) {
        void this.end(slot, error);
        return;
      }
    }
    const queue = this.queues.get(task.key);
    const index = queue?.indexOf(task) ?? -1;
    if (queue && index >= 0) {
      queue.splice(index, 1);
      if (queue.length === 0) {
        this.queues.delete(task.key);
        this.rotation.splice(this.rotation.indexOf(task.key), 1);
      }
      this.settle(task, error);
    }
  }
}
