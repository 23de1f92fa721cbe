/** `npm run stop`: stops the services GridCase started (recorded in .data/run), and nothing else. */
import { stopService } from '../platform/bootstrap';
import { config } from '../platform/config';
import { fail, log } from '../platform/log';

async function main(): Promise<void> {
  let stopped = 0;
  for (const name of ['temporal', 'mariadb'] as const) if (await stopService(config().dataDir, name, log)) stopped++;
  log(stopped ? `stopped ${stopped} service(s)` : 'nothing to stop: no service started by GridCase is running');
}

main().catch(fail);
