/** `npm run stop` stops the services GridCase recorded as started, and nothing else. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'; // a zombie has exited
  } catch {
    return false;
  }
}

function sleeper(): number {
  const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

describe('npm run stop', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridcase-stop-'));
  const pids: number[] = [];
  afterAll(() => {
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('given services recorded in run/, stops exactly those and forgets them', async () => {
    const temporal = sleeper();
    const mariadb = sleeper();
    const bystander = sleeper();
    pids.push(temporal, mariadb, bystander);
    fs.mkdirSync(path.join(dataDir, 'run'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'run', 'temporal.pid'), String(temporal));
    fs.writeFileSync(path.join(dataDir, 'run', 'mariadb.pid'), String(mariadb));

    const r = spawnSync(process.execPath, [path.join(root, 'scripts/run.js'), 'stop'], { cwd: root, env: { ...process.env, GRIDCASE_DATA_DIR: dataDir }, encoding: 'utf8' });

    expect(r.status).toBe(0);
    expect(r.stdout).toContain('stopped 2 service(s)');
    for (let i = 0; i < 50 && (alive(temporal) || alive(mariadb)); i++) await new Promise((res) => setTimeout(res, 100));
    expect(alive(temporal)).toBe(false);
    expect(alive(mariadb)).toBe(false);
    expect(alive(bystander)).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, 'run'))).toEqual([]);
  });

  it('given nothing recorded, says so and stops nothing', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/run.js'), 'stop'], { cwd: root, env: { ...process.env, GRIDCASE_DATA_DIR: dataDir }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('nothing to stop');
  });
});
