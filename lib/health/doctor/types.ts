export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

// One line of the checklist: what was checked, what was found, and (when not ok) what to set or do.
export interface DoctorLine {
  area: string;
  status: DoctorStatus;
  message: string;
  fix?: string;
}

export const line = (area: string, status: DoctorStatus, message: string, fix?: string): DoctorLine =>
  fix === undefined ? { area, status, message } : { area, status, message, fix };

export function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  // Drivers nest the useful part (ECONNREFUSED, the SQLSTATE message) in `cause`.
  for (let depth = 0; e !== undefined && depth < 3; depth++) {
    if (e instanceof Error) {
      const code = 'code' in e && e.code ? ` (${String(e.code)})` : '';
      if (e.message) parts.push(`${e.message}${code}`);
      else if (code) parts.push(code.trim());
      e = e.cause;
    } else {
      parts.push(String(e));
      e = undefined;
    }
  }
  return [...new Set(parts)].join(': ') || 'unknown error';
}

// Short-fused by design: a doctor that hangs on a black-holed host is worse than one that says so.
export async function withTimeout<T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
