/** `npm run stop`: stops the services GridCase started (recorded in .data/run), and nothing else. */
import fs from 'node:fs';
import path from 'node:path';
import { isAlive, readPid, stopPid } from '../bootstrap/proc';
import { config } from '../config';
import { fail, log } from './common';

async function main(): Promise<void> {
  const runDir = path.join(config().dataDir, 'run');
  let stopped = 0;
  for (const name of ['temporal', 'mariadb']) {
    const pidFile = path.join(runDir, `${name}.pid`);
    const pid = readPid(pidFile);
    if (pid === undefined) continue;
    if (isAlive(pid)) {
      log(`stopping ${name} (pid ${pid}) …`);
      await stopPid(pid, name === 'mariadb' ? 60_000 : 15_000);
      stopped++;
    }
    fs.rmSync(pidFile, { force: true });
    fs.rmSync(path.join(runDir, `${name}.kind`), { force: true });
  }
  log(stopped ? `stopped ${stopped} service(s)` : 'nothing to stop: no service started by GridCase is running');
}

main().catch(fail);
