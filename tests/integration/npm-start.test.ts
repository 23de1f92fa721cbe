/**
 * `npm start` as a person runs it: it serves /health = 200 over the running services, a second
 * instance reuses those services, and a port already in use is reported, not reused.
 */
import mariadb from 'mariadb';
import { connectionOptions } from '../../platform/db/url';
import { testServices, uniqueSuffix } from '../support/env';
import { freePort, runCommand, waitForOutput, type Command } from '../support/processes';

function startGridCase(port: number, dbName: string): Command {
  return runCommand('start', { PORT: String(port), GRIDCASE_DB_NAME: dbName, DATABASE_URL: '', DATABASE_OWNER_URL: '', TEMPORAL_ADDRESS: '', NODE_ENV: 'production' });
}

const env = testServices();
const bothLocal = env.local.includes('database') && env.local.includes('temporal');

(bothLocal ? describe : describe.skip)('npm start', () => {
  const dbName = `gridcase_e2e_${uniqueSuffix()}`;
  const running: Command[] = [];

  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    const conn = await mariadb.createConnection(connectionOptions(env.ownerUrl, { database: null }));
    await conn.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await conn.end();
  });

  it('serves /health = 200, a second start reuses the services, a taken port is reported', async () => {
    const port1 = await freePort();
    const first = startGridCase(port1, dbName);
    running.push(first);
    await waitForOutput(first, 'services keep running');
    expect(first.output()).toMatch(/Temporal: .* — reused/);
    expect(first.output()).toMatch(/MySQL: .* — reused/);
    expect(first.output()).toContain(`http://localhost:${port1}/health`);
    // and it delivers notifications (in-app, SMS to the log file by default)
    expect(first.output()).toMatch(/notification delivery: in-app and SMS via log \(.*sms\.log\), outbox looked at every 1000 ms/);
    const health = await fetch(`http://127.0.0.1:${port1}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', temporal: { status: 'up' }, database: { status: 'up' } });

    const port2 = await freePort();
    const second = startGridCase(port2, dbName);
    running.push(second);
    await waitForOutput(second, 'services keep running');
    expect(second.output()).not.toMatch(/starting (Temporal|MariaDB)/);
    expect((await fetch(`http://127.0.0.1:${port2}/health`)).status).toBe(200);

    const clash = startGridCase(port1, dbName);
    running.push(clash);
    expect(await clash.exited).toBe(1);
    expect(clash.output()).toContain(`port ${port1} is taken`);

    first.child.kill('SIGTERM');
    second.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
  });
});
