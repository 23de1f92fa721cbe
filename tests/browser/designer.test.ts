/**
 * The process designer in a real browser (Chromium + playwright-core), as an administrator uses
 * it: draw from a reference process, change a deadline in the properties panel, watch the lint,
 * deploy, compare versions, open a foreign diagram, undo and redo. Screenshots of every story go
 * to .data/test-results/screenshots/designer-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { reportAs, inboxTask } from '../support/api-flow';
import { startConsoleSuite, PHONE, type ConsoleSuite } from '../support/browser';
import { terminateCases } from '../support/api';
import { uniqueSuffix } from '../support/env';

jest.setTimeout(240_000);

let s: ConsoleSuite;
const run = uniqueSuffix().slice(-6).toUpperCase();
const processKey = `closed-loop-${run.toLowerCase()}`;
const categoryCode = `DZ${run}`;
const started: string[] = [];

beforeAll(async () => {
  s = await startConsoleSuite('designer');
});
afterAll(async () => {
  await terminateCases(s.api, started);
  await s?.close();
});

async function adminApi() {
  return s.api.auth('admin');
}

/** The process version a case runs on, as GET /api/cases/{id} shows it. */
async function versionOf(caseId: string): Promise<number> {
  const res = await request(s.api.app).get(`/api/cases/${caseId}`).set('Authorization', await s.api.auth('wangfang'));
  expect(res.status).toBe(200);
  return res.body.processVersion.version as number;
}

async function deployFromEditor(page: Page, comment: string, version: number) {
  await page.getByRole('button', { name: '部署', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `部署为第 ${version} 版` });
  await dialog.getByLabel('部署说明').fill(comment);
  await dialog.getByRole('button', { name: '部署', exact: true }).click();
  await page.getByText(`已部署第 ${version} 版`).waitFor();
}

describe('story 1: an administrator changes a deadline and deploys version 2', () => {
  it('given a new process started from the standard closed loop, when 处置 gets a 3-day limit and version 2 is deployed, then a new case runs on version 2 and a running case stays on version 1', async () => {
    const page = await s.as('admin');
    // the administrator lands on the process list
    await page.getByRole('heading', { name: '流程定义' }).waitFor();
    await page.getByRole('cell', { name: /标准闭环/ }).first().waitFor();
    await s.shot(page, 'designer-1-process-list');

    // starts a new process from the reference 标准闭环
    await page.getByRole('button', { name: '新建流程' }).click();
    const create = page.getByRole('dialog', { name: '新建流程' });
    await create.getByLabel('流程标识').fill(processKey);
    await create.getByLabel('名称').fill(`东城试点闭环 ${run}`);
    await create.getByRole('button', { name: '创建' }).click();
    await page.waitForURL(`**/processes/${processKey}`);
    await page.locator('[data-element-id="Task_Handle"]').waitFor();
    await page.getByTestId('problems').getByText('0 个错误').waitFor();
    await deployFromEditor(page, '按标准闭环启用', 1);

    // a new category (on the standard process) is bound to this one in the list's dialog
    const admin = await adminApi();
    const cat = await request(s.api.app)
      .post('/api/admin/categories')
      .set('Authorization', admin)
      .send({
        code: categoryCode,
        name: `设计器试点${run}`,
        level: 'MAJOR',
        processKey: 'standard-closed-loop',
        children: [{ code: `${categoryCode}01`, name: `试点小类${run}`, timeLimits: [{ tier: 'VILLAGE', duration: 'PT8H', calendar: 'WORKING_HOURS' }] }],
      });
    expect(cat.status).toBe(201);
    await page.getByRole('button', { name: /返回/ }).first().click();
    const row = page.getByRole('row', { name: new RegExp(processKey) });
    await row.getByRole('button', { name: '绑定分类' }).click();
    const bind = page.getByRole('dialog', { name: `绑定事件分类到流程 ${processKey}` });
    await bind.getByRole('combobox').click({ force: true });
    await page.keyboard.type(`${categoryCode}01`);
    await page.getByRole('option', { name: `${categoryCode}01 试点小类${run}` }).click();
    // the multiple select stays open for more choices: click beside it to close it
    await bind.getByText('选中的事件分类的新案件将按此流程办理').click();
    await bind.getByRole('button', { name: '确定' }).click();
    await page.getByText('已更新 1 个事件分类').waitFor();
    await row.getByText(`试点小类${run}`).waitFor();
    await row.getByRole('link').first().click();
    await page.locator('[data-element-id="Task_Handle"]').waitFor();

    // a case reported now starts on version 1
    const before = await reportAs(s.api, 'wangfang', { category: `${categoryCode}01` });
    started.push(before.id);
    expect(await versionOf(before.id)).toBe(1);

    // 处置: the category's limit becomes an explicit 3 working days, through the properties panel
    await page.locator('[data-element-id="Task_Handle"]').click();
    const panel = page.locator('.bio-properties-panel');
    await panel.getByText('处置').first().waitFor();
    await setDeadline(page, '');
    // without a duration the task has no deadline: the live lint says so
    await page.getByTestId('problems').getByText(/[1-9]\d* 个错误/).waitFor();
    await s.shot(page, 'designer-1-lint-error');
    await setDeadline(page, '3');
    await page.getByTestId('problems').getByText('0 个错误').waitFor();
    await expect(page.getByTestId('save-state').innerText()).resolves.toBe('未保存');
    await deployFromEditor(page, '处置时限改为 3 个工作日', 2);
    await s.shot(page, 'designer-1-deployed');

    const after = await reportAs(s.api, 'wangfang', { category: `${categoryCode}01` });
    started.push(after.id);
    expect(await versionOf(after.id)).toBe(2);
    expect(await versionOf(before.id)).toBe(1);
    // the version list shows both, with who deployed them and their comments
    const versions = await request(s.api.app).get(`/api/admin/processes/${processKey}/versions`).set('Authorization', admin);
    expect(versions.body.items.map((v: { version: number; comment: string }) => [v.version, v.comment])).toEqual([
      [2, '处置时限改为 3 个工作日'],
      [1, '按标准闭环启用'],
    ]);
    // the new case's first task is there as usual
    await inboxTask(s.api, 'dhm1.handler', after.id, 'Task_Accept');
    await page.close();
  });
});

/** Sets 处置's deadline to `days` working days through the deadline control (empty: no duration). */
async function setDeadline(page: Page, days: string) {
  const panel = page.locator('.bio-properties-panel');
  const amount = panel.getByLabel('时长', { exact: true });
  if (!(await amount.isVisible())) {
    await panel.getByLabel('时限方式').selectOption('duration');
  }
  await amount.fill(days);
  await amount.blur();
  if (days) {
    await panel.getByLabel('单位').selectOption('D');
    await panel.getByLabel('计时日历').selectOption('workingDays');
  }
}

describe('story 3: the diff between versions 1 and 2', () => {
  it('given versions 1 and 2 of the process, when they are compared, then exactly the 处置 task is highlighted with its changed deadline', async () => {
    const page = await s.as('admin');
    await page.goto(`/processes/${processKey}/diff?from=1&to=2`);
    await page.getByTestId('diff-summary').waitFor();
    await expect(page.getByTestId('diff-summary').innerText()).resolves.toBe('新增 0 · 删除 0 · 修改 1 · 移动 0');
    const changed = await page.locator('.djs-element.diff-changed').evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')));
    // the same task on both sides, nothing else
    expect(changed).toEqual(['Task_Handle', 'Task_Handle']);
    await expect(page.locator('.diff-added, .diff-removed, .diff-layout-changed').count()).resolves.toBe(0);
    await s.shot(page, 'designer-3-diff');
    // the list names the changed grid: properties, before and after
    const list = (await page.locator('.changes').innerText()).replace(/\s+/g, ' ');
    expect(list).toMatch(/处置 Task_Handle grid:deadline category P3D/);
    // version 1 opens read-only from the version list
    await page.getByRole('button', { name: /返回/ }).first().click();
    await page.getByRole('heading', { name: /的版本/ }).waitFor();
    await page.getByRole('row', { name: /v1/ }).getByRole('button', { name: '查看' }).click();
    await page.getByText('只读：第 1 版').waitFor();
    await expect(page.getByRole('button', { name: '保存草稿' }).count()).resolves.toBe(0);
    await page.close();
  });
});

describe('story 2: a diagram from another modeler', () => {
  it('given the MIWG model C.8.0 exported by Camunda Modeler, when it is opened, then its unsupported elements are marked with the reason and deploying is refused with an explanation', async () => {
    const key = `miwg-${run.toLowerCase()}`;
    const created = await request(s.api.app).post('/api/admin/processes').set('Authorization', await adminApi()).send({ key, name: `外部流程 ${run}` });
    expect(created.status).toBe(201);
    const page = await s.as('admin');
    await page.goto(`/processes/${key}`);
    // a process never drawn opens as a blank process to start from
    await page.locator('[data-element-id="Accept"]').waitFor();
    const file = path.resolve(__dirname, '../fixtures/bpmn/miwg/bpmn.io-camunda-modeler-18.6.1__C.8.0-export.bpmn');
    await page.getByLabel('导入文件').setInputFiles(file);
    await page.locator('.djs-element.grid-unsupported').first().waitFor();
    const marked = await page.locator('.djs-element.grid-unsupported').count();
    expect(marked).toBeGreaterThan(0);
    await page.getByText('GridCase 不支持此元素').first().waitFor();
    const blocked = page.getByTestId('deploy-blocked');
    await blocked.getByText(/无法部署：此流程图包含 GridCase 无法运行的元素/).waitFor();
    await expect(page.getByRole('button', { name: '部署', exact: true }).isDisabled()).resolves.toBe(true);
    await s.shot(page, 'designer-2-foreign-diagram');
    // the server's check draws its errors on the elements they name
    await page.getByRole('button', { name: '检查' }).click();
    await page.locator('.djs-element.grid-server-issue').first().waitFor();
    await expect(page.locator('.djs-element.grid-server-issue[data-element-id="Activity_13m56bo"]').count()).resolves.toBe(1);

    // a file that is not BPMN is refused with the server's message next to its name
    const notBpmn = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gc-')), 'with-doctype.bpmn');
    fs.writeFileSync(notBpmn, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    await page.getByLabel('导入文件').setInputFiles(notBpmn);
    const refused = page.getByRole('alert').filter({ hasText: '文件被拒绝：with-doctype.bpmn' });
    await refused.waitFor();
    await expect(refused.innerText()).resolves.toMatch(/DOCTYPE|实体/);
    // the drawing is still the MIWG diagram
    await expect(page.locator('.djs-element.grid-unsupported').count()).resolves.toBe(marked);
    await page.close();
  });
});

describe('story 4: undo, redo and unsaved changes', () => {
  it('given the draft open, when an element is deleted, undone and redone, then the state follows, and leaving asks first', async () => {
    const page = await s.as('admin');
    await page.goto(`/processes/${processKey}`);
    const task = page.locator('[data-element-id="Task_Handle"]');
    await task.waitFor();
    await expect(page.getByTestId('save-state').innerText()).resolves.toBe('已保存');

    await page.locator('[data-element-id="Task_Verify"]').click();
    await page.keyboard.press('Delete');
    await expect(page.locator('[data-element-id="Task_Verify"]').count()).resolves.toBe(0);
    await expect(page.getByTestId('save-state').innerText()).resolves.toBe('未保存');

    await page.getByRole('button', { name: '撤销' }).click();
    await page.locator('[data-element-id="Task_Verify"]').waitFor();
    await expect(page.getByTestId('save-state').innerText()).resolves.toBe('已保存');

    await page.getByRole('button', { name: '重做' }).click();
    await expect(page.locator('[data-element-id="Task_Verify"]').count()).resolves.toBe(0);
    await expect(page.getByTestId('save-state').innerText()).resolves.toBe('未保存');
    await s.shot(page, 'designer-4-unsaved');

    // leaving inside the console asks; staying keeps the drawing
    await page.getByRole('button', { name: /返回/ }).first().click();
    const confirm = page.getByRole('dialog', { name: '有未保存的修改' });
    await confirm.getByText('有未保存的修改，确定离开吗？').waitFor();
    await confirm.getByRole('button', { name: '取消' }).click();
    expect(new URL(page.url()).pathname).toBe(`/processes/${processKey}`);
    // closing the tab asks the browser's own question
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => (resolve(d.type()), void d.dismiss())));
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
  });
});

describe('two administrators saving the same draft', () => {
  it('given two administrators editing the same draft, when the second saves after the first, then the second is told and keeps their drawing until they load the newest draft', async () => {
    const first = await s.as('admin');
    const second = await s.as('admin');
    for (const page of [first, second]) {
      await page.goto(`/processes/${processKey}`);
      await page.locator('[data-element-id="Task_Verify"]').waitFor();
    }
    // the first deletes 核查 and saves
    await first.locator('[data-element-id="Task_Verify"]').click();
    await first.keyboard.press('Delete');
    await first.getByRole('button', { name: '保存草稿' }).click();
    await first.getByText('草稿已保存', { exact: true }).waitFor();
    await expect(first.getByTestId('save-state').innerText()).resolves.toBe('已保存');

    // the second, who opened the draft before, deletes 评价 and saves: refused, not overwritten
    await second.locator('[data-element-id="Task_Evaluate"]').click();
    await second.keyboard.press('Delete');
    await second.getByRole('button', { name: '保存草稿' }).click();
    const conflict = second.getByRole('dialog', { name: '草稿已被其他管理员修改' });
    await conflict.waitFor();
    await s.shot(second, 'designer-5-conflict');
    const draft = await request(s.api.app).get(`/api/admin/processes/${processKey}/draft`).set('Authorization', await adminApi());
    expect(draft.text).not.toContain('id="Task_Verify"');
    expect(draft.text).toContain('id="Task_Evaluate"');
    // their drawing is intact
    await conflict.getByRole('button', { name: '保留我的修改' }).click();
    await expect(second.locator('[data-element-id="Task_Evaluate"]').count()).resolves.toBe(0);
    await expect(second.getByTestId('save-state').innerText()).resolves.toBe('未保存');
    // loading the newest draft shows the first administrator's change
    await second.getByRole('button', { name: '保存草稿' }).click();
    await conflict.getByRole('button', { name: '加载最新草稿' }).click();
    await second.locator('[data-element-id="Task_Evaluate"]').waitFor();
    await expect(second.locator('[data-element-id="Task_Verify"]').count()).resolves.toBe(0);
    await expect(second.getByTestId('save-state').innerText()).resolves.toBe('已保存');
    await first.close();
    await second.close();
  });
});

describe('English', () => {
  it('given the console in Chinese, when the administrator switches to English, then the pages and the modeler speak English, and back', async () => {
    const page = await s.as('admin');
    // the select's visible value covers its input: click where a person clicks
    await page.getByRole('combobox', { name: '语言' }).click({ force: true });
    await page.getByRole('option', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Process definitions' }).waitFor();
    await page.goto(`/processes/${processKey}`);
    await page.getByRole('button', { name: 'Save draft' }).waitFor();
    await page.locator('[data-element-id="Task_Handle"]').click();
    await page.locator('.bio-properties-panel').getByText('How the time limit is set').waitFor();
    await s.shot(page, 'designer-6-english');
    await page.getByRole('combobox', { name: 'Language' }).click({ force: true });
    await page.getByRole('option', { name: '中文' }).click();
    await page.getByRole('button', { name: '保存草稿' }).waitFor();
    await page.locator('[data-element-id="Task_Handle"]').click();
    await page.locator('.bio-properties-panel').getByText('时限方式').waitFor();
    await page.close();
  });
});

describe('a district administrator', () => {
  it('given the administrator of 东城区, when they open the designer, then they read processes but cannot change them (processes are city-wide)', async () => {
    const page = await s.as('dc.admin');
    await page.getByRole('heading', { name: '流程定义' }).waitFor();
    await page.getByText('只有市级系统管理员可以修改流程').waitFor();
    await expect(page.getByRole('button', { name: '新建流程' }).count()).resolves.toBe(0);
    await page.goto(`/processes/${processKey}`);
    await page.getByText('只读：第 2 版').waitFor();
    await expect(page.getByRole('button', { name: '部署', exact: true }).count()).resolves.toBe(0);
    await page.close();
  });

  it('given a handler, when they open the console, then they land on their inbox and the designer is not theirs', async () => {
    const page = await s.as('dhm1.handler');
    await page.getByRole('heading', { name: '待办任务' }).waitFor();
    await page.goto('/processes');
    await page.getByRole('heading', { name: '待办任务' }).waitFor();
    await page.close();
  });
});

describe('the console at phone size', () => {
  it('given a phone-sized screen, when the administrator opens the list and a process, then both are usable', async () => {
    const page = await s.as('admin', PHONE);
    await page.getByRole('heading', { name: '流程定义' }).waitFor();
    await s.shot(page, 'designer-phone-list');
    await page.goto(`/processes/${processKey}`);
    await page.locator('[data-element-id="Task_Handle"]').waitFor();
    await s.shot(page, 'designer-phone-editor');
    await page.close();
  });
});
