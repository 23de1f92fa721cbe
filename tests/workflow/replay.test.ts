/**
 * Replay guard: recorded histories of released workflows must replay against the current
 * workflow code. A change that would alter replay goes behind patched() (see README), or this fails.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { withConditionTrees } from '../../process/feel';
import type { FeelTree, ProcessModel } from '../../process/model';
import { TIMERS_IN_ONE_STEP_PATCH } from '../../workflows/case-patches';

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

  /** The patch ids a history's markers record. */
  function patchesOf(file: string): string[] {
    const json = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8'));
    return json.events
      .filter((e: { eventType: string }) => e.eventType === 'EVENT_TYPE_MARKER_RECORDED')
      .flatMap((e: { markerRecordedEventAttributes: { details?: Record<string, { payloads: { data: string }[] } | undefined> } }) =>
        (e.markerRecordedEventAttributes.details?.['patch-data']?.payloads ?? []).map((p) => (JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) as { id: string }).id),
      );
  }

  it('replays a deadline firing both ways: the overdue and boundary timers one after the other (v4) and in one step (v6, patch timers-in-one-step)', () => {
    expect(files).toEqual(expect.arrayContaining(['caseWorkflow-escalated-at-deadline-v4.json', 'caseWorkflow-escalated-at-deadline-v6.json']));
    expect(patchesOf('caseWorkflow-escalated-at-deadline-v4.json')).not.toContain(TIMERS_IN_ONE_STEP_PATCH);
    expect(patchesOf('caseWorkflow-escalated-at-deadline-v6.json')).toContain(TIMERS_IN_ONE_STEP_PATCH);
  });

  /** The history with its start input's model changed (a case started after conditions were compiled). */
  function withModel(file: string, change: (model: ProcessModel) => ProcessModel) {
    const json = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8'));
    const payload = json.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
    input.model = change(input.model);
    payload.data = Buffer.from(JSON.stringify(input)).toString('base64');
    return historyFromJSON(json);
  }
  const caseFiles = files.filter((f) => f.startsWith('caseWorkflow-'));

  it.each(caseFiles)('replays %s with its conditions compiled into trees (they decide as feelin did)', async (file) => {
    const history = withModel(file, (model) => {
      const compiled = withConditionTrees(model);
      expect(Object.values(compiled.flows).filter((f) => f.condition !== null && !f.conditionTree)).toEqual([]);
      return compiled;
    });
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, `${file.replace(/\.json$/, '')}-trees`)).resolves.toBeUndefined();
  });

  it('fails the replay when the trees decide otherwise than the recorded run (so the trees are what decided)', async () => {
    const never: FeelTree = ['lit', false];
    const history = withModel('caseWorkflow-rejected-v1.json', (model) => ({
      ...model,
      flows: Object.fromEntries(Object.entries(model.flows).map(([id, f]) => [id, f.condition === null ? f : { ...f, conditionTree: never }])),
    }));
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, 'rejected-never')).rejects.toThrow();
  });

  it('replays a case whose database activities ran as local activities (patch local-case-activities): markers, no activity tasks', async () => {
    // given the history recorded with the patch on (caseWorkflow-local-activities-v5)
    const json = JSON.parse(fs.readFileSync(path.join(historiesDir, 'caseWorkflow-local-activities-v5.json'), 'utf8'));
    const events = json.events as Array<Record<string, { markerName?: string; details?: Record<string, unknown> } | string>>;
    const markers = events.map((e) => (e.markerRecordedEventAttributes as { markerName?: string } | undefined)?.markerName).filter(Boolean);
    // then every write and read of the case is a local-activity marker and none an activity task
    expect(markers).toContain('core_patch');
    expect(markers.filter((m) => m === 'core_local_activity').length).toBeGreaterThan(10);
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toEqual([]);
    // and the current code replays it
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(json), 'local-activities')).resolves.toBeUndefined();
  });

  it('fails the replay when the workflow code changes what it does', async () => {
    // The same workflow type, but it schedules a different activity first: replay must reject it.
    const changed = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures', 'changed-notice-workflow.ts'), logger: new DefaultLogger('WARN') });
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(historiesDir, 'broadcastNotice-v1.json'), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, 'changed')).rejects.toThrow(/[Nn]ondeterminis/);
  });
});
