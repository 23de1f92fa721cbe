/**
 * Replay guard: recorded histories of released workflows must replay against the current
 * workflow code. A change that would alter replay goes behind patched() (see README), or this fails.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';

const historiesDir = path.resolve(__dirname, '../histories');

describe('replay of recorded workflow histories', () => {
  let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      /* already installed in this process */
    }
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') });
  });

  const files = fs.readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, file.replace(/\.json$/, ''))).resolves.toBeUndefined();
  });

  it('fails the replay when the workflow code changes what it does', async () => {
    // The same workflow type, but it schedules a different activity first: replay must reject it.
    const changed = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures', 'changed-notice-workflow.ts'), logger: new DefaultLogger('WARN') });
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(historiesDir, 'broadcastNotice-v1.json'), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, 'changed')).rejects.toThrow(/[Nn]ondeterminis/);
  });
});
