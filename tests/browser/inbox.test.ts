/**
 * The handlers' inbox in a real browser (Chromium + playwright-core), as 李明 (dhm1.handler, 东华门
 * 第一社区) works it: a report arrives without reloading, he claims it, completes 受理 and the
 * next steps with their forms; a supervisor's urge reaches the open task within seconds; the
 * view lives in the URL and the keyboard moves through it; a phone shows cards. Screenshots go
 * to .data/test-results/screenshots/inbox-*.png.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import type { Locator, Page } from 'playwright-core';
import { act, inboxTask, PNG_1x1, reportAs } from '../support/api-flow';
import { startConsoleSuite, PHONE, type ConsoleSuite } from '../support/browser';
import { terminateCases } from '../support/api';
import { wangfangGrid } from '../support/cases';
import { uniqueSuffix } from '../support/env';

jest.setTimeout(240_000);

let s: ConsoleSuite;
const run = uniqueSuffix().slice(-6).toUpperCase();
const started: string[] = [];

beforeAll(async () => {
  s = await startConsoleSuite('inbox');
});
afterAll(async () => {
  await terminateCases(s.api, started);
  await s?.close();
});

async function report(description: string) {
  const c = await reportAs(s.api, 'wangfang', { description });
  started.push(c.id);
  return c;
}

/**
 * The inbox of a signed-in handler, with its event stream connected, searched for this run's cases
 * (other suites give 李明 tasks too: the run's own could fall beyond the first page).
 */
async function inboxOf(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await s.as(username, viewport);
  await page.getByRole('heading', { name: '待办任务' }).waitFor();
  await page.goto(`/inbox?q=${run}`);
  await page.getByRole('heading', { name: '待办任务' }).waitFor();
  await page.getByText('实时更新中').waitFor();
  return page;
}

const taskPanel = (page: Page) => page.getByRole('dialog', { name: '任务详情' });

/** Chooses an outcome in the task's form, as a person clicks it. */
async function chooseOutcome(panel: Locator, label: string) {
  await panel.getByRole('radiogroup', { name: '办理结果' }).getByText(label, { exact: true }).click();
}

describe('story 1: a report reaches 李明’s open inbox; he claims it and completes 受理, and the next task follows', () => {
  it('given 李明’s inbox open, when 王芳 reports a case, then it appears without reloading with the new-task badge; he claims it, completes 受理 with its form, and 立案 opens; 立案, 派遣 and 处置 follow, 处置 with its form checked before sending', async () => {
    const page = await inboxOf('dhm1.handler');
    const description = `东华门大街${run}号门前井盖缺失`;
    const c = await report(description);

    // the task appears in the list without reloading, marked new, and the inbox link counts it
    const row = page.getByRole('row', { name: new RegExp(description) });
    await row.waitFor();
    await row.getByText('新', { exact: true }).waitFor();
    await page.getByRole('button', { name: /\d+ 条新任务/ }).waitFor();
    await expect(page.getByTestId('inbox-badge').innerText()).resolves.toMatch(/^[1-9]\d*$/);
    await expect(page.getByRole('link', { name: /^待办（[1-9]\d* 条新任务）$/ }).count()).resolves.toBe(1);
    // 受理 of a 井盖缺失 case has a working-hours limit: the time left is told in working hours
    await row.getByText(/^剩余 (\d+(\.\d)? 工作小时|不到 0\.1 工作小时)$/).first().waitFor();
    await s.shot(page, 'inbox-desktop');

    // he opens it: its own address, the case beside it
    await row.getByRole('link', { name: `打开任务 受理（${c.id}）` }).click();
    await page.waitForURL((u) => u.searchParams.get('task')?.startsWith(`${c.id}~`) ?? false);
    const panel = taskPanel(page);
    await panel.getByRole('heading', { name: new RegExp(`^受理 ${c.id}`) }).waitFor();
    await panel.getByText(description).first().waitFor();
    await panel.getByRole('cell', { name: '王芳', exact: true }).waitFor();
    await expect(panel.getByRole('link', { name: '查看案件详情' }).getAttribute('href')).resolves.toBe(`/cases/${c.id}`);
    // opened, it is no longer new
    await row.getByText('新', { exact: true }).waitFor({ state: 'detached' });

    // claims it
    await panel.getByRole('button', { name: '签收', exact: true }).click();
    await panel.getByText('受理：已签收').waitFor();
    await panel.getByText('已签收', { exact: true }).first().waitFor();

    // completes 受理: the form says what is missing before anything is sent
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await panel.getByText('请选择办理结果').waitFor();
    await chooseOutcome(panel, '受理');
    await s.shot(page, 'inbox-task');
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await panel.getByText('受理：已办结').waitFor();
    await panel.getByText('下一个任务：立案').waitFor();
    // the next task is his, and it is open in the panel
    await panel.getByRole('heading', { name: new RegExp(`^立案 ${c.id}`) }).waitFor();
    const register = await inboxTask(s.api, 'dhm1.handler', c.id, 'Task_Register');
    await page.waitForURL((u) => u.searchParams.get('task') === register.id);
    await page.getByRole('row', { name: new RegExp(`立案.*${description}`) }).waitFor();

    // 立案 and 派遣 have a single outcome and no form: completed as they are
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await panel.getByText('下一个任务：派遣').waitFor();
    await panel.getByRole('heading', { name: new RegExp(`^派遣 ${c.id}`) }).waitFor();
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await panel.getByText('下一个任务：处置').waitFor();
    await panel.getByRole('heading', { name: new RegExp(`^处置 ${c.id}`) }).waitFor();

    // 处置 has a form: its required feedback is checked in the browser
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await panel.getByText('请填写处置反馈').waitFor();
    await panel.getByText('请选择办理结果').waitFor();
    await panel.getByLabel('处置反馈').fill('已更换新井盖，现场已清理');
    await chooseOutcome(panel, '已处置');
    // a photo of the work, uploaded to the case and chosen in the form
    await panel.getByLabel('选择要上传的照片').setInputFiles({ name: 'fixed.png', mimeType: 'image/png', buffer: PNG_1x1 });
    await page.getByText('已上传 1 张照片').waitFor();
    // (Element Plus hides the checkbox itself behind its picture)
    await panel.getByRole('group', { name: '现场照片' }).getByRole('checkbox', { name: 'fixed.png', checked: true }).waitFor({ state: 'attached' });
    await panel.getByRole('img', { name: 'fixed.png' }).first().waitFor();
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await panel.getByText('处置：已办结').waitFor();
    // 核查 is 王芳’s: nothing more of this case is his
    await panel.getByText('该案件暂时没有您的后续任务').waitFor();

    // what the API recorded: the feedback and the photo, as he entered them
    const history = await request(s.api.app).get(`/api/cases/${c.id}/history`).set('Authorization', await s.api.auth('dc.auditor'));
    const handled = history.body.events.find((e: { action: string; data: { element?: string } }) => e.action === 'complete' && e.data.element === 'Task_Handle');
    expect(handled.data).toMatchObject({ outcome: 'done', data: { feedback: '已更换新井盖，现场已清理', photos: [expect.stringMatching(/^ATT-/)] } });
    await inboxTask(s.api, 'wangfang', c.id, 'Task_Verify');
    await page.close();
  });
});

describe('story 2: a supervisor’s urge reaches the open task', () => {
  it('given 李明 looking at a 受理 task, when 韩立新 urges it, then within seconds the task shows the urge with who and when, and the list marks it', async () => {
    const description = `东华门大街${run}号路灯不亮`;
    const c = await report(description);
    const task = await inboxTask(s.api, 'dhm1.handler', c.id, 'Task_Accept');
    const page = await inboxOf('dhm1.handler');
    await page.goto(`/inbox?q=${run}&task=${task.id}`);
    const panel = taskPanel(page);
    await panel.getByRole('heading', { name: new RegExp(`^受理 ${c.id}`) }).waitFor();
    await page.getByText('实时更新中').waitFor();
    await expect(panel.getByTestId('supervision').count()).resolves.toBe(0);

    const urge = await request(s.api.app).post(`/api/cases/${c.id}/urge`).set('Authorization', await s.api.auth('dhm.supervisor')).send({ note: `请今日内受理${run}`, taskId: task.id });
    expect(urge.status).toBe(201);

    // the panel shows it without reloading: what, who, when
    const banner = panel.getByRole('alert').filter({ hasText: `催办：请今日内受理${run}` });
    await banner.waitFor({ timeout: 15_000 });
    await banner.getByText(/^韩立新 · \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/).waitFor();
    await s.shot(page, 'inbox-urged');

    // and the list marks the task
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => !u.searchParams.has('task'));
    await page.getByRole('row', { name: new RegExp(description) }).getByTestId('supervision-marker').getByText('催办').waitFor();
    await page.close();
  });
});

describe('story 3: the view lives in the URL, and the keyboard moves through it', () => {
  it('given 李明’s inbox, when he narrows it to claimable tasks by creation time and searches, then the URL says so and a reload restores it; j / k move, Enter opens and Esc closes', async () => {
    const description = `东华门大街${run}号垃圾满溢`;
    const c = await report(description);
    await inboxTask(s.api, 'dhm1.handler', c.id, 'Task_Accept');
    const page = await inboxOf('dhm1.handler');

    await page.getByRole('radiogroup', { name: '范围' }).getByText('可签收', { exact: true }).click();
    await page.getByRole('combobox', { name: '排序' }).click({ force: true });
    await page.getByRole('option', { name: '按创建时间' }).click();
    await page.getByRole('textbox', { name: '搜索案件编号、描述、地址' }).fill(`${run}号垃圾`);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('view') === 'claimable' && u.searchParams.get('sort') === 'created' && u.searchParams.get('q') === `${run}号垃圾`);
    const row = page.getByRole('row', { name: new RegExp(description) });
    await row.waitFor();
    await page.getByTestId('task-count').filter({ hasText: /^共 1 条$/ }).waitFor();

    // a reload (or the bookmark) restores the view
    await page.reload();
    await page.getByRole('heading', { name: '待办任务' }).waitFor();
    await row.waitFor();
    await expect(page.getByRole('textbox', { name: '搜索案件编号、描述、地址' }).inputValue()).resolves.toBe(`${run}号垃圾`);
    await expect(page.getByRole('radiogroup', { name: '范围' }).getByRole('radio', { name: '可签收' }).isChecked()).resolves.toBe(true);
    await page.getByTestId('task-count').filter({ hasText: /^共 1 条$/ }).waitFor();

    // the keyboard: j moves to the task (focus visible on its link), Enter opens it, Esc closes it
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('j');
    const link = row.getByRole('link', { name: `打开任务 受理（${c.id}）` });
    await expect(link.evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await taskPanel(page).getByRole('heading', { name: new RegExp(`^受理 ${c.id}`) }).waitFor();
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => !u.searchParams.has('task'));
    await taskPanel(page).waitFor({ state: 'hidden' });
    await page.close();
  });
});

describe('story 4: on a phone', () => {
  it('given 李明 on a 390×844 phone, then his tasks are cards and an open task fills the screen, nothing wider than it', async () => {
    const description = `东华门大街${run}号共享单车乱停`;
    const c = await report(description);
    await inboxTask(s.api, 'dhm1.handler', c.id, 'Task_Accept');
    const page = await inboxOf('dhm1.handler', PHONE);
    const card = page.getByRole('listitem').filter({ hasText: description });
    await card.waitFor();
    await expect(page.getByRole('table').count()).resolves.toBe(0);
    await expect(page.locator('html').evaluate((el) => el.scrollWidth)).resolves.toBeLessThanOrEqual(PHONE.width);
    await s.shot(page, 'inbox-phone');

    await card.getByRole('link', { name: `打开任务 受理（${c.id}）` }).click();
    const panel = taskPanel(page);
    await panel.getByRole('heading', { name: new RegExp(`^受理 ${c.id}`) }).waitFor();
    await panel.getByRole('button', { name: '签收', exact: true }).waitFor();
    const box = await panel.boundingBox();
    expect(box && Math.round(box.width)).toBe(PHONE.width);
    await expect(panel.evaluate((el) => el.scrollWidth <= el.clientWidth)).resolves.toBe(true);
    await s.shot(page, 'inbox-phone-task');
    await page.close();
  });
});

describe('story 5: a refusal from the server lands on its field', () => {
  it('given 李明 completing 处置 with values the browser accepts, when the server refuses the feedback field by field, then its message stands under 处置反馈, and the corrected form goes through', async () => {
    const description = `东华门大街${run}号道路破损`;
    const c = await report(description);
    for (const step of ['Task_Accept', 'Task_Register', 'Task_Dispatch']) {
      const t = await inboxTask(s.api, 'dhm1.handler', c.id, step);
      expect((await act(s.api, 'dhm1.handler', t.id, 'complete', step === 'Task_Accept' ? { outcome: 'accept' } : {})).status).toBe(200);
    }
    const handle = await inboxTask(s.api, 'dhm1.handler', c.id, 'Task_Handle');
    const page = await inboxOf('dhm1.handler');
    await page.goto(`/inbox?q=${run}&task=${handle.id}`);
    const panel = taskPanel(page);
    await panel.getByRole('heading', { name: new RegExp(`^处置 ${c.id}`) }).waitFor();
    await panel.getByLabel('处置反馈').fill('已修');
    await chooseOutcome(panel, '已处置');

    // the server answers as it does when the process's form refuses a value (422 FORM_INVALID, field by field)
    const url = `**/api/tasks/${encodeURIComponent(handle.id)}/complete`;
    await page.route(url, (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/problem+json',
        body: JSON.stringify({ title: '无法处理', status: 422, code: 'FORM_INVALID', field: 'body.data.feedback', detail: '表单内容不符合要求（data.feedback must have at least 5 characters）', errors: [{ field: 'body.data.feedback', message: 'must have at least 5 characters' }] }),
      }),
    );
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    const item = panel.locator('.el-form-item').filter({ has: page.getByLabel('处置反馈') });
    await item.getByText('至少 5 个字').waitFor();
    await s.shot(page, 'inbox-server-refusal');

    // corrected, it goes through to the real server
    await page.unroute(url);
    await panel.getByLabel('处置反馈').fill('已修补路面，设置警示标志');
    await item.getByText('至少 5 个字').waitFor({ state: 'detached' });
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await panel.getByText('处置：已办结').waitFor();
    await page.close();
  });
});

describe('story 6: a dispatcher places an address-only report at 受理', () => {
  it('given a hotline report with only an address, when 何静 accepts it, then the form asks for its location, a point outside every grid is refused on that field, and a point in 王芳’s grid places the case', async () => {
    const key = `inbox-hotline-${uniqueSuffix()}`;
    await s.api.prisma.apiClient.create({ data: { name: `测试热线${run}`, channel: 'HOTLINE_12345', keyHash: crypto.createHash('sha256').update(key).digest('hex') } });
    const description = `东华门大街${run}号井盖缺失（热线来电）`;
    const posted = await request(s.api.app)
      .post('/open311/v2/requests.json')
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=utf-8')
      .send(new URLSearchParams({ api_key: key, service_code: 'SS01', address_string: `东城区东华门大街${run}号`, description }).toString());
    expect(posted.status).toBe(200);
    const id = posted.body[0].service_request_id as string;
    started.push(id);
    const accept = await inboxTask(s.api, 'dc.dispatcher', id, 'Task_Accept');

    const page = await inboxOf('dc.dispatcher');
    await page.goto(`/inbox?q=${run}&task=${accept.id}`);
    const panel = taskPanel(page);
    await panel.getByRole('heading', { name: new RegExp(`^受理 ${id}`) }).waitFor();
    await chooseOutcome(panel, '受理');
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    const item = panel.locator('.el-form-item').filter({ has: page.getByRole('group', { name: '案件位置' }) });
    await item.getByText('请填写案件位置的纬度和经度').waitFor();

    // a point in Shanghai: the server refuses it, on the location
    await panel.getByLabel('纬度').fill('31.2304');
    await panel.getByLabel('经度').fill('121.4737');
    await panel.getByLabel('经度').blur();
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await item.getByText(/不在任何网格内/).waitFor();
    await s.shot(page, 'inbox-locate');

    // a point in 王芳's grid places the case there
    const g = await wangfangGrid(s.api.prisma);
    await panel.getByLabel('纬度').fill(g.lat.toFixed(6));
    await panel.getByLabel('经度').fill(g.lng.toFixed(6));
    await panel.getByLabel('经度').blur();
    await panel.getByRole('button', { name: '办结', exact: true }).click();
    await panel.getByText('受理：已办结').waitFor();
    const row = await s.api.prisma.case.findUniqueOrThrow({ where: { id }, select: { gridId: true } });
    expect(row.gridId).toBe(g.gridId);
    await page.close();
  });
});
