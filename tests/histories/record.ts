/**
 * Records histories of the case workflow for the replay tests: runs cases of the reference
 * processes on the local Temporal dev server against the test database (as `npm test` leaves
 * them with GRIDCASE_KEEP_SERVICES=1) and writes each history as tests/histories/<name>.json.
 *
 *   GRIDCASE_KEEP_SERVICES=1 npm test -- tests/unit/config.test.ts   # services up, test DB seeded
 *   DATABASE_URL=… TEMPORAL_ADDRESS=127.0.0.1:7233 node --import tsx tests/histories/record.ts [name …]
 *
 * With names (caseWorkflow-withdrawn-before-dispatch-v4 …), only those histories are recorded.
 * Only record histories of released code; never re-record one to make a failing replay pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../../platform/config';
import { createPrisma } from '../../platform/db/prisma';
import { connectTemporal } from '../../platform/temporal/client';
import { createWorker } from '../../activities/worker';
import { connectWorker, installRuntime } from '../../platform/temporal/worker';
import { claimUpdate, commentUpdate, completeUpdate, escalateUpdate, urgeSignal, withdrawUpdate } from '../../workflows/case-api';
import { actor, newCaseId, openTask, reportCase, wangfangGrid } from '../support/cases';
import { locateGrid } from '../../domain/locate';
import { buildCaseInput, startCase } from '../../domain/case-start';

async function main() {
  const cfg = loadConfig();
  if (!cfg.database.url || !cfg.temporal.address) throw new Error('set DATABASE_URL and TEMPORAL_ADDRESS');
  installRuntime('WARN');
  const prisma = createPrisma(cfg.database.url);
  const target = { address: cfg.temporal.address, namespace: cfg.temporal.namespace, tls: cfg.temporal.tls, apiKey: cfg.temporal.apiKey };
  const temporal = await connectTemporal(target);
  const connection = await connectWorker(target);
  const taskQueue = `record-${Date.now()}`;
  const worker = await createWorker({ connection, namespace: target.namespace, taskQueue, deps: { prisma } });
  const running = worker.run();
  const only = process.argv.slice(2);
  const want = (name: string) => !only.length || only.includes(name);
  const save = async (handle: WorkflowHandle, name: string) => {
    const history = await handle.fetchHistory();
    const file = path.join(__dirname, `${name}.json`);
    if (fs.existsSync(file)) {
      process.stdout.write(`kept ${file} (a recorded history is never replaced)\n`);
      return;
    }
    const { historyToJSON } = await import('@temporalio/common/lib/proto-utils');
    fs.writeFileSync(file, `${historyToJSON(history)}\n`);
    process.stdout.write(`wrote ${file}\n`);
  };
  try {
    const handler = await actor(prisma, 'dhm1.handler');
    const street = await actor(prisma, 'dhm.handler');
    const wangfang = await actor(prisma, 'wangfang');
    const supervisor = await actor(prisma, 'dhm.supervisor');

    /** An unclassified report on the default process: 受理 accepts it, 立案 classifies it as `category`, 派遣 dispatches it. */
    const classifiedAtRegister = async (category: string, description: string) => {
      const std = await prisma.processVersion.findFirstOrThrow({ where: { definition: { key: 'standard-closed-loop' } }, orderBy: { version: 'desc' }, select: { id: true } });
      const { handle } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: '', uncategorized: true, processVersionId: std.id, caseId: newCaseId('RH'), description });
      const steps: [string, string | undefined, Record<string, unknown> | undefined][] = [
        ['Task_Accept', 'accept', undefined],
        ['Task_Register', undefined, { category }],
        ['Task_Dispatch', undefined, undefined],
      ];
      for (const [step, outcome, data] of steps) {
        const t = await openTask(handle, step, prisma);
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler, outcome, data }] });
      }
      return handle;
    };

    // standard closed loop: accept, register, dispatch, escalate at the village, handle at the street, verify fails once, then passes
    if (want('caseWorkflow-standard-closed-loop-v1')) {
      const { handle } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'WJ02', caseId: newCaseId('RH'), description: '居民楼顶违法扩建' });
      for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
        const t = await openTask(handle, step, prisma);
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler, outcome: step === 'Task_Accept' ? 'accept' : undefined }] });
      }
      const v = await openTask(handle, 'Task_Handle', prisma);
      await handle.executeUpdate(claimUpdate, { args: [{ taskId: v.taskId, actor: handler }] });
      await handle.executeUpdate(escalateUpdate, { args: [{ taskId: v.taskId, actor: handler, reason: '社区无执法权' }] });
      await handle.signal(urgeSignal, { actor: supervisor, note: '请尽快处置' });
      for (let round = 0; round < 2; round++) {
        const s = await openTask(handle, 'Task_Handle', prisma);
        await handle.executeUpdate(commentUpdate, { args: [{ taskId: s.taskId, actor: street, text: '已联系城管执法队' }] });
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: s.taskId, actor: street, outcome: 'done', data: { feedback: round ? '已拆除' : '已责令整改' } }] });
        const check = await openTask(handle, 'Task_Verify', prisma);
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: check.taskId, actor: wangfang, outcome: round ? 'pass' : 'fail' }] });
      }
      await handle.result();
      await save(handle, 'caseWorkflow-standard-closed-loop-v1');
    }
    // emergency: the district is notified at once (notify service task), then respond, make safe, resolve, verify
    if (want('caseWorkflow-emergency-v1')) {
      const { handle } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'YJ01', caseId: newCaseId('RH'), description: '连续降雨后山体出现裂缝' });
      const steps: [string, string, { userId: number | null; name: string }, Record<string, unknown> | undefined][] = [
        ['Task_Respond', 'responded', handler, undefined],
        ['Task_MakeSafe', '', handler, { feedback: '已设置警戒线，疏散坡下住户' }],
        ['Task_Resolve', '', handler, { feedback: '已完成边坡加固' }],
        ['Task_Verify', 'pass', wangfang, undefined],
      ];
      for (const [step, outcome, who, data] of steps) {
        const t = await openTask(handle, step, prisma);
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: who, outcome: outcome || undefined, data }] });
      }
      await handle.result();
      await save(handle, 'caseWorkflow-emergency-v1');
    }
    // rejected at acceptance
    if (want('caseWorkflow-rejected-v1')) {
      const { handle } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'QT03', caseId: newCaseId('RH'), description: '重复上报' });
      const t = await openTask(handle, 'Task_Accept', prisma);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler, outcome: 'reject' }] });
      await handle.result();
      await save(handle, 'caseWorkflow-rejected-v1');
    }
    // unclassified: 立案 classifies it (the workflow loads the category's facts), handled at the
    // village, the reporter verifies at GRID, 结案 is one row (patches register-classifies,
    // audit-task-tier, close-once, report-at-reported)
    if (want('caseWorkflow-classified-at-register-v2')) {
      const handle = await classifiedAtRegister('SS03', '小区门口路灯不亮');
      const h = await openTask(handle, 'Task_Handle', prisma);
      await handle.executeUpdate(claimUpdate, { args: [{ taskId: h.taskId, actor: handler }] });
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: h.taskId, actor: handler, outcome: 'done', data: { feedback: '已更换灯泡' } }] });
      const check = await openTask(handle, 'Task_Verify', prisma);
      await handle.executeUpdate(claimUpdate, { args: [{ taskId: check.taskId, actor: wangfang }] });
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: check.taskId, actor: wangfang, outcome: 'pass' }] });
      await handle.result();
      await save(handle, 'caseWorkflow-classified-at-register-v2');
    }
    // reported without a point (Open311 with only an address): 受理 at the district's
    // dispatchers places it (a GCJ-02 point from their map), then the village works it as a
    // located report (patch locate-me)
    if (want('caseWorkflow-located-at-accept-v3')) {
      const district = await prisma.orgUnit.findFirstOrThrow({ where: { name: '东城区', level: 'DISTRICT' }, select: { id: true } });
      const dispatcher = await actor(prisma, 'dc.dispatcher');
      const { handle } = await reportCase(prisma, temporal.client, taskQueue, {
        categoryCode: 'SS01',
        caseId: newCaseId('RH'),
        description: '热线来电：东华门大街12号门前井盖缺失',
        gridId: null,
        districtId: district.id,
        lat: null,
        lng: null,
        channel: 'HOTLINE_12345',
        reporter: { userId: null, name: '王先生' },
      });
      const sent = { crs: 'GCJ02' as const, lat: 39.9089016, lng: 116.3981695 };
      const wgs = { lat: 39.9075, lng: 116.391928 };
      const g = await locateGrid(prisma, wgs.lat, wgs.lng);
      if (!g) throw new Error('the demo point lies outside every grid');
      const [, , township, village, grid] = g.orgPath.split('/').filter(Boolean).map(Number);
      const place = { gridId: g.gridId, orgPath: g.orgPath, units: { TOWNSHIP: township, VILLAGE: village, GRID: grid }, ...wgs, sent };
      const accept = await openTask(handle, 'Task_Accept', prisma);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: accept.taskId, actor: dispatcher, outcome: 'accept', data: { location: sent }, place }] });
      for (const step of ['Task_Register', 'Task_Dispatch']) {
        const t = await openTask(handle, step, prisma);
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: handler }] });
      }
      const h = await openTask(handle, 'Task_Handle', prisma);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: h.taskId, actor: handler, outcome: 'done', data: { feedback: '已补装井盖' } }] });
      const check = await openTask(handle, 'Task_Verify', prisma);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: check.taskId, actor: wangfang, outcome: 'pass' }] });
      await handle.result();
      await save(handle, 'caseWorkflow-located-at-accept-v3');
    }
    // 撤回 before dispatch: accepted, then withdrawn by 王芳 while 立案 waits (patch withdraw-before-dispatch)
    if (want('caseWorkflow-withdrawn-before-dispatch-v4')) {
      const { handle } = await reportCase(prisma, temporal.client, taskQueue, { categoryCode: 'SS03', caseId: newCaseId('RH'), description: '楼道灯不亮' });
      const accept = await openTask(handle, 'Task_Accept', prisma);
      await handle.executeUpdate(completeUpdate, { args: [{ taskId: accept.taskId, actor: handler, outcome: 'accept' }] });
      await openTask(handle, 'Task_Register', prisma);
      await handle.executeUpdate(withdrawUpdate, { args: [{ actor: wangfang, reason: '已自行修好' }] });
      await handle.result();
      await save(handle, 'caseWorkflow-withdrawn-before-dispatch-v4');
    }
    // the standard closed loop with the case's database activities as local activities (patch
    // local-case-activities): unclassified, 立案 classifies it (loadCategoryFacts), the village
    // escalates, a 催办 signal, the street comments and handles, verify fails once, then passes
    if (want('caseWorkflow-local-activities-v5')) {
      const handle = await classifiedAtRegister('WJ02', '居民楼顶违法扩建');
      const v = await openTask(handle, 'Task_Handle', prisma);
      await handle.executeUpdate(claimUpdate, { args: [{ taskId: v.taskId, actor: handler }] });
      await handle.executeUpdate(escalateUpdate, { args: [{ taskId: v.taskId, actor: handler, reason: '社区无执法权' }] });
      await handle.signal(urgeSignal, { actor: supervisor, note: '请尽快处置' });
      for (let round = 0; round < 2; round++) {
        const s = await openTask(handle, 'Task_Handle', prisma);
        await handle.executeUpdate(commentUpdate, { args: [{ taskId: s.taskId, actor: street, text: '已联系城管执法队' }] });
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: s.taskId, actor: street, outcome: 'done', data: { feedback: round ? '已拆除' : '已责令整改' } }] });
        const check = await openTask(handle, 'Task_Verify', prisma);
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: check.taskId, actor: wangfang, outcome: round ? 'pass' : 'fail' }] });
      }
      await handle.result();
      await save(handle, 'caseWorkflow-local-activities-v5');
    }
    // emergency, escalated at the deadline: 应急响应's limit shortened to 5 s (in the start input's
    // model only), so at its deadline the overdue timer (overdue + automatic 督办) and the boundary
    // timer (boundary, escalateTier) fire together; the township responds, then the rest of the path.
    // -v4: two timer firings handled one after the other; -v6: in one step (patch timers-in-one-step; local-case-activities on too)
    for (const name of ['caseWorkflow-escalated-at-deadline-v4', 'caseWorkflow-escalated-at-deadline-v6']) {
      if (!want(name)) continue;
      const g = await wangfangGrid(prisma);
      const input = await buildCaseInput(prisma, {
        categoryCode: 'YJ01',
        caseId: newCaseId('RH'),
        gridId: g.gridId,
        description: '暴雨后挡土墙出现裂缝',
        lat: g.lat,
        lng: g.lng,
        channel: 'GRID_APP',
        reporter: { userId: g.reporterId, name: '王芳' },
      });
      const respond = input.model?.elements.Task_Respond;
      if (respond?.type !== 'userTask') throw new Error('the emergency process has no Task_Respond');
      respond.deadline = { kind: 'duration', duration: 'PT5S', calendar: 'CLOCK' };
      const handle = await startCase(temporal.client, taskQueue, input);
      const village = await openTask(handle, 'Task_Respond', prisma);
      for (let i = 0; ; i++) {
        const t = await openTask(handle, 'Task_Respond', prisma);
        if (t.taskId !== village.taskId) {
          await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: street, outcome: 'responded' }] });
          break;
        }
        if (i > 200) throw new Error('the deadline did not escalate the case');
        await new Promise((r) => setTimeout(r, 50));
      }
      const steps: [string, string | undefined, { userId: number | null; name: string }, Record<string, unknown> | undefined][] = [
        ['Task_MakeSafe', undefined, street, { feedback: '已设置警戒线' }],
        ['Task_Resolve', undefined, street, { feedback: '已加固挡土墙' }],
        ['Task_Verify', 'pass', wangfang, undefined],
      ];
      for (const [step, outcome, who, data] of steps) {
        const t = await openTask(handle, step, prisma);
        await handle.executeUpdate(completeUpdate, { args: [{ taskId: t.taskId, actor: who, outcome, data }] });
      }
      await handle.result();
      await save(handle, name);
    }
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await temporal.close();
    await prisma.$disconnect();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  },
);
