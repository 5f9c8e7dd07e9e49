// Types for scripts/local.mjs (plain JavaScript: it runs before dependencies are installed).
export function lockStamp(root: string): string | null;
export function sourceStamp(root: string, env?: Record<string, string | undefined>): string;
export function needsInstall(root: string): boolean;
export function needsBuild(root: string, env?: Record<string, string | undefined>): boolean;
export function recordInstall(root: string): void;
export function recordBuild(root: string, stamp: string): void;
