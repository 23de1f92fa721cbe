/**
 * The supervisors' page in a real browser (Chromium + playwright-core). Story 3 of issue 13: a
 * supervisor urges a case, and the handler sees the urge on the task; and a supervisor decides an
 * extension a handler asked for, and the queue empties. Screenshots go to
 * .data/test-results/screenshots/supervision-*.png.
 */
import request from 'supertest';
import type { Page } from 'playwright-core';
import { interiorPoint, type AreaGeometry } from '../../core/geometry';
import { act, inboxTask, reportAs } from '../support/api-flow';
import { terminateCases } from '../support/api';
import { startConsoleSuite, PHONE, type ConsoleSuite } from '../support/browser';
import { uniqueSuffix } from '../support/env';

jest.setTimeout(240_000);

let s: ConsoleSuite;
const run = uniqueSuffix().slice(-6);
const started: string[] = [];
const HOUR = 3_600_000;
/** the smallest desktop the console is made for */
const SMALL = { width: 1280, height: 720 };

beforeAll(async () => {
  s = await startConsoleSuite('supervision');
});
afterAll(async () => {
  await terminateCases(s.api, started);
  await s?.close();
});

const as = async (u: string) => ({ Authorization: await s.api.auth(u) });

async function report(username: string, description: string, location?: { lat: number; lng: number }) {
  const c = await reportAs(s.api, username, { description: `${description} ${run}`, ...(location ? { location: { ...location, address: '测试地址' } } : {}) });
  started.push(c.id);
  return c;
}

/** 督办 through the API by the district supervisor: every open task of the case gets this deadline. */
async function setDeadline(caseId: string, at: Date) {
  const res = await request(s.api.app).post(`/api/cases/${caseId}/supervise`).set(await as('dc.supervisor')).send({ instruction: '限期受理', newDeadline: at.toISOString() });
  expect(res.status).toBe(201);
}

async function historyOf(caseId: string, username: string) {
  const res = await request(s.api.app).get(`/api/cases/${caseId}/history`).set(await as(username));
  expect(res.status).toBe(200);
  return res.body.events as { action: string; reason: string | null; actor: { name: string }; taskId: string | null; data: { taskIds?: string[]; newDeadline?: string } }[];
}

/** The row (desktop table) or card (phone) of a case on the watch list. */
const caseRow = (page: Page, id: string) => page.locator('.el-table__row, [role="listitem"]').filter({ has: page.getByRole('link', { name: id, exact: true }) });

describe('story 3: a supervisor urges a case; the handler sees the urge on the task', () => {
  it('given one case past its deadline and one due within hours, when 韩立新 selects both on the supervision page and urges them, then each row says so with its count, and 李明 has the urge on his 受理 task', async () => {
    const late = await report('wangfang', '东华门大街12号门前井盖缺失');
    const soon = await report('wangfang', '东华门大街20号井盖破损');
    // the district set deadlines: one has just passed (the task is marked overdue), one is 3 hours away
    await setDeadline(late.id, new Date(Date.now() + 1500));
    await setDeadline(soon.id, new Date(Date.now() + 3 * HOUR));
    const lateTask = await inboxTask(s.api, 'dhm1.handler', late.id, 'Task_Accept');
    const soonTask = await inboxTask(s.api, 'dhm1.handler', soon.id, 'Task_Accept');
    for (let i = 0; i < 150 && !(await historyOf(late.id, 'dhm.supervisor')).some((e) => e.action === 'overdue'); i++) await new Promise((r) => setTimeout(r, 200));

    // 韩立新 signs in and lands on the supervision page, with both cases coloured by their due time
    const page = await s.as('dhm.supervisor', SMALL);
    await page.waitForURL('**/supervision');
    await page.goto(`/supervision?q=${run}`); // this run's cases only: other suites' fill the area's lists too
    await page.getByRole('heading', { name: '督办工作台' }).waitFor();
    await caseRow(page, late.id).getByText(/^已超期/).waitFor();
    await caseRow(page, soon.id).getByText(/^剩余 (2 小时|3 小时)/).waitFor();

    // 李明 has the overdue one open in his inbox meanwhile
    const inbox = await s.as('dhm1.handler', SMALL);
    await inbox.goto(`/inbox?task=${lateTask.id}`);
    const panel = inbox.getByRole('dialog', { name: '任务详情' });
    await panel.getByRole('heading', { name: new RegExp(`^受理 ${late.id}`) }).waitFor();
    await inbox.getByText('实时更新中').waitFor();
    await expect(panel.getByRole('alert').filter({ hasText: '催办：' }).count()).resolves.toBe(0);

    // when he selects both and urges them with a note
    // (by keyboard: focus each row's checkbox and press the space bar)
    for (const id of [late.id, soon.id]) {
      await page.getByRole('checkbox', { name: `选择案件 ${id}` }).focus();
      await page.keyboard.press('Space');
    }
    await page.getByText('已选 2 件').waitFor();
    await page.getByRole('button', { name: '批量催办' }).click();
    const dialog = page.getByRole('dialog', { name: '催办 2 件案件' });
    await dialog.getByLabel('催办说明（可选）').fill('请今天下班前反馈');
    await dialog.getByRole('button', { name: '确定' }).click();
    // then each case has its result, and the rows count the urge
    await dialog.getByText('已全部完成（2 件）').waitFor();
    await dialog.getByRole('listitem').filter({ hasText: late.id }).getByText('已催办').waitFor();
    await dialog.getByRole('listitem').filter({ hasText: soon.id }).getByText('已催办').waitFor();
    await s.shot(page, 'supervision-3-urged');
    await dialog.getByRole('button', { name: '关闭', exact: true }).click();
    for (const id of [late.id, soon.id]) {
      await caseRow(page, id).getByRole('status').filter({ hasText: '已催办' }).waitFor();
      await caseRow(page, id).getByTitle('最近催办').getByText(/^1 次 · /).waitFor();
    }
    await s.shot(page, 'supervision-3-watch-list');

    // and 李明 sees the urge on the open task without reloading, who and when; and on the other one when he opens it
    const banner = panel.getByRole('alert').filter({ hasText: '催办：请今天下班前反馈' });
    await banner.waitFor({ timeout: 15_000 });
    await banner.getByText(/^韩立新 · /).waitFor();
    await s.shot(inbox, 'supervision-3-handler');
    await inbox.keyboard.press('Escape');
    await inbox.waitForURL((u) => !u.searchParams.has('task'));
    await inbox.getByRole('link', { name: `打开任务 受理（${soon.id}）` }).click();
    await panel.getByRole('heading', { name: new RegExp(`^受理 ${soon.id}`) }).waitFor();
    await panel.getByRole('alert').filter({ hasText: '催办：请今天下班前反馈' }).getByText(/^韩立新 · /).waitFor();
    await inbox.close();

    // the urge reached each case's 受理 task, 李明's to take, with the note
    for (const [c, task] of [
      [late, lateTask],
      [soon, soonTask],
    ] as const) {
      const urges = (await historyOf(c.id, 'dhm1.handler')).filter((e) => e.action === 'urge');
      expect(urges).toEqual([expect.objectContaining({ reason: '请今天下班前反馈', actor: { id: expect.any(Number), name: '韩立新' } })]);
      expect(urges[0].data.taskIds).toEqual([task.id.replace('~', '/')]);
    }
    await page.close();
  });

  it('given a case due within hours, when 韩立新 supervises it with an instruction and a deadline three days out picked as a date and time, then the case leaves the due-soon view and shows under 7 days with the supervision counted', async () => {
    const c = await report('wangfang', '东华门大街30号井盖缺失');
    await setDeadline(c.id, new Date(Date.now() + 2 * HOUR));
    const page = await s.as('dhm.supervisor', SMALL);
    await page.waitForURL('**/supervision');
    await page.goto(`/supervision?q=${run}`); // this run's cases only: other suites' fill the area's lists too
    await caseRow(page, c.id).getByRole('button', { name: `督办 ${c.id}` }).click();
    const dialog = page.getByRole('dialog', { name: `督办 ${c.id}` });
    // without an instruction the form says so and sends nothing
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.getByText('请填写督办意见').waitFor();
    await dialog.getByLabel('督办意见').fill('请三日内处置完毕并反馈');
    const due = new Date(Math.floor((Date.now() + 72 * HOUR) / 60_000) * 60_000);
    const beijing = due.toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 16);
    const picker = dialog.getByLabel('新的办理期限（可选）');
    await picker.fill(beijing);
    await picker.press('Enter');
    await s.shot(page, 'supervision-supervise-dialog');
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.getByText('已全部完成（1 件）').waitFor();
    await dialog.getByRole('button', { name: '关闭', exact: true }).click();

    // due in three days, it is no longer due within a day; under 7 days it is, supervised twice (the district's and his)
    await caseRow(page, c.id).waitFor({ state: 'detached' });
    await page.getByRole('combobox', { name: '临期范围' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: '7 天内到期' }).click();
    await caseRow(page, c.id).getByTitle('最近督办').getByText(/^2 次 · /).waitFor();
    await caseRow(page, c.id).getByText(/^剩余 2 天 23 小时|^剩余 3 天/).waitFor();
    await s.shot(page, 'supervision-supervised');
    const row = (await historyOf(c.id, 'dhm1.handler')).filter((e) => e.action === 'supervise').pop()!;
    expect(row).toMatchObject({ reason: '请三日内处置完毕并反馈', actor: { name: '韩立新' }, data: { newDeadline: due.toISOString() } });
    await page.close();
  });

  it('on a phone, the cases are cards and one case is urged from its card', async () => {
    const c = await report('wangfang', '东华门大街8号井盖缺失');
    await setDeadline(c.id, new Date(Date.now() + 2 * HOUR));
    const page = await s.as('dhm.supervisor', PHONE);
    await page.waitForURL('**/supervision');
    await page.goto(`/supervision?q=${run}`); // this run's cases only: other suites' fill the area's lists too
    const card = caseRow(page, c.id);
    await card.getByText(/^剩余/).waitFor();
    await s.shot(page, 'supervision-phone-cases');
    await card.getByRole('button', { name: `催办 ${c.id}` }).click();
    const dialog = page.getByRole('dialog', { name: `催办 ${c.id}` });
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.getByText('已全部完成（1 件）').waitFor();
    await s.shot(page, 'supervision-phone-urged');
    await dialog.getByRole('button', { name: '关闭', exact: true }).click();
    await card.getByRole('status').filter({ hasText: '已催办' }).waitFor();
    expect((await historyOf(c.id, 'dhm.supervisor')).filter((e) => e.action === 'urge')).toHaveLength(1);
    await page.close();
  });
});

describe('a supervisor decides an extension a handler asked for', () => {
  it('given 朱红 asks for 4 more working hours on a 受理 task, when 胡永刚 approves it with a note on the approvals tab, then the row leaves the queue, the queue is empty and the task has its new deadline', async () => {
    // in 西城 (西长安街第一社区), whose approvals no other suite leaves pending
    const grid = await s.api.prisma.user.findUniqueOrThrow({ where: { username: 'huangli' }, select: { grids: { select: { grid: { select: { boundary: true } } }, take: 1 } } });
    const [lng, lat] = interiorPoint(grid.grids[0].grid.boundary as unknown as AreaGeometry);
    const c = await report('huangli', '西长安街1号井盖缺失', { lat, lng });
    const t = await inboxTask(s.api, 'xca1.handler', c.id, 'Task_Accept');
    expect((await act(s.api, 'xca1.handler', t.id, 'claim')).status).toBe(200);
    const ask = await act(s.api, 'xca1.handler', t.id, 'extend', { duration: 'PT4H', reason: '需联系产权单位' });
    expect(ask.status).toBe(200);
    const approvalId = ask.body.approval.id as string;

    const page = await s.as('xc.supervisor');
    await page.waitForURL('**/supervision');
    await page.getByRole('tab', { name: /待审批申请/ }).click();
    const row = page.locator('.el-table__row').filter({ hasText: c.id });
    await row.getByText('需联系产权单位').waitFor();
    await row.getByText('+4 个工作小时').waitFor();
    await row.getByText(/→/).waitFor();
    await row.getByText('受理', { exact: true }).waitFor();
    await s.shot(page, 'supervision-approvals');

    await row.getByRole('button', { name: `批准 ${approvalId}` }).click();
    const dialog = page.getByRole('dialog', { name: '批准延期申请' });
    await dialog.getByLabel('审批意见（可选）').fill('同意，请抓紧办理');
    await dialog.getByRole('button', { name: '批准' }).click();
    await page.getByText(`已批准 ${approvalId}`).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByText('没有待审批的申请').waitFor();
    await s.shot(page, 'supervision-approvals-empty');

    // the decided one is in the history, and the workflow set the due time the queue showed
    await page.getByRole('radio', { name: '已处理' }).check({ force: true });
    const decided = page.locator('.el-table__row').filter({ hasText: c.id });
    await decided.getByText('同意，请抓紧办理').waitFor();
    await decided.getByText(/胡永刚/).waitFor();
    const approvals = await request(s.api.app).get('/api/approvals').query({ caseId: c.id }).set(await as('xc.supervisor'));
    expect(approvals.body.items).toEqual([expect.objectContaining({ state: 'APPROVED', note: '同意，请抓紧办理' })]);
    const task = await request(s.api.app).get(`/api/tasks/${t.id}`).set(await as('xca1.handler'));
    expect(task.body.dueAt).toBe(approvals.body.items[0].timeAdded.dueAfter);
    expect(Date.parse(task.body.dueAt)).toBeGreaterThan(Date.parse(t.dueAt!));
    await page.close();
  });

  it('on a phone, the queue is cards', async () => {
    const grid = await s.api.prisma.user.findUniqueOrThrow({ where: { username: 'huangli' }, select: { grids: { select: { grid: { select: { boundary: true } } }, take: 1 } } });
    const [lng, lat] = interiorPoint(grid.grids[0].grid.boundary as unknown as AreaGeometry);
    const c = await report('huangli', '西长安街5号路灯不亮', { lat, lng });
    const t = await inboxTask(s.api, 'xca1.handler', c.id, 'Task_Accept');
    expect((await act(s.api, 'xca1.handler', t.id, 'claim')).status).toBe(200);
    const ask = await act(s.api, 'xca1.handler', t.id, 'defer', { duration: 'P1D', reason: '等待配件' });
    expect(ask.status).toBe(200);
    const page = await s.as('xc.supervisor', PHONE);
    await page.goto('/supervision?tab=approvals');
    const card = page.getByRole('listitem').filter({ hasText: c.id });
    await card.getByText('缓办', { exact: true }).waitFor();
    await card.getByText(/\+1 个工作日/).waitFor();
    await s.shot(page, 'supervision-phone-approvals');
    await card.getByRole('button', { name: `驳回 ${ask.body.approval.id}` }).click();
    const dialog = page.getByRole('dialog', { name: '驳回缓办申请' });
    await dialog.getByRole('button', { name: '驳回' }).click();
    await card.waitFor({ state: 'detached' });
    await page.close();
  });
});
