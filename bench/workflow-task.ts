/**
 * Worker CPU per workflow task of the case workflow: replays a recorded case history (every
 * workflow task of the case executed again, activities answered from history) many times and
 * divides the worker process's CPU time by the number of workflow tasks replayed.
 *
 *   node --import tsx bench/workflow-task.ts [history.json] [runs]
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';

async function main() {
  const file = process.argv[2] ?? path.join(__dirname, '..', 'tests', 'histories', 'caseWorkflow-standard-closed-loop-v1.json');
  const runs = Number(process.argv[3] ?? 30);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') });
  const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
  const tasks = (history.events ?? []).filter((e) => String(e.eventType) === '7' || String(e.eventType) === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED').length;
  for (let i = 0; i < 3; i++) await Worker.runReplayHistory({ workflowBundle }, history, `warm-${i}`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await Worker.runReplayHistory({ workflowBundle }, history, `run-${i}`);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const rows = [
    ['history', path.basename(file)],
    ['events', String(history.events?.length ?? 0)],
    ['workflow tasks per case', String(tasks)],
    ['replays', String(runs)],
    ['wall ms per workflow task', (wall / (runs * tasks)).toFixed(2)],
    ['worker CPU ms per workflow task (incl. replay worker start-up)', (cpuMs / (runs * tasks)).toFixed(2)],
  ];
  process.stdout.write(`| measure | value |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  },
);
