// Lets `npm test` work on a fresh clone: installs exactly what package-lock.json pins when node_modules is missing.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('[reflex] node_modules missing: running npm ci');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
