#!/usr/bin/env node
'use strict';
// Entry point of `npm start`, `npm test`, `npm run stop` and `npm run cli`: installs the locked
// dependencies when they are missing or stale, then runs the TypeScript command in this process.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const commands = { start: 'start', test: 'test', stop: 'stop', cli: 'cli', api: 'api', worker: 'worker', bench: 'bench', faults: 'faults' };

function ensureDependencies() {
  const lock = path.join(root, 'package-lock.json');
  const marker = path.join(root, 'node_modules', '.gridcase-lock-sha256');
  const want = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  let have = '';
  try {
    have = fs.readFileSync(marker, 'utf8');
  } catch {
    /* not installed by us yet */
  }
  if (have === want) return;
  if (!have && fs.existsSync(path.join(root, 'node_modules', 'tsx')) && fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
    const installed = fs.readFileSync(path.join(root, 'node_modules', '.package-lock.json'), 'utf8');
    const locked = JSON.parse(fs.readFileSync(lock, 'utf8')).packages || {};
    const inst = JSON.parse(installed).packages || {};
    const same = Object.keys(locked).filter((k) => k).every((k) => locked[k].optional || (inst[k] && inst[k].version === locked[k].version));
    if (same) {
      fs.writeFileSync(marker, want);
      return;
    }
  }
  process.stderr.write('gridcase: installing locked npm dependencies (npm ci) …\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let r = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    const reason = (r.stderr || '').split('\n').find((l) => /npm error (code|Missing)/.test(l) === false && /npm error \S/.test(l)) || 'unknown reason';
    // A registry mirror that lacks some other platforms' optional binaries makes `npm ci` refuse
    // the lockfile; `npm install --no-save` installs the same locked versions and skips them.
    process.stderr.write(`gridcase: npm ci refused (${reason.replace(/^npm error\s*/, '').trim()}); installing the locked versions with npm install --no-save …\n`);
    r = spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: ['ignore', 2, 'inherit'] });
  }
  if (r.status !== 0) {
    process.stderr.write('gridcase: npm ci failed: check that the npm registry is reachable, then run the command again\n');
    process.exit(1);
  }
  fs.writeFileSync(marker, want);
}

const name = commands[process.argv[2]];
if (!name) {
  process.stderr.write(`usage: node scripts/run.js ${Object.keys(commands).join('|')} [args…]\n`);
  process.exit(2);
}
ensureDependencies();
process.argv.splice(2, 1);
// The command runs in a child Node with tsx's loader (TypeScript for require() and import() alike);
// this process only forwards signals and the exit code.
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cli', `${name}.ts`), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (require('node:os').constants.signals[signal] || 0) : 1)));
