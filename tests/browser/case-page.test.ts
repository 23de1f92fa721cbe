/**
 * The case page in a real browser (Chromium + playwright-core), as its readers use it:
 * story 4 (first half): the auditor 梁淑芬 opens a case that was escalated from the community to the
 * street and closed, and sees its path on the diagram with both tiers, its history and "完整";
 * prints its record. Story 5: 马骏, a handler of 西城区, cannot open it (the page says not found).
 * And 王芳 withdraws (撤回) a fresh report from 我的上报. Screenshots of every story, desktop
 * (1280×720) and phone (390×844), go to .data/test-results/screenshots/case-page-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { reportAs, inboxTask } from '../support/api-flow';
import { startConsoleSuite, PHONE, SCREENSHOT_DIR, type ConsoleSuite } from '../support/browser';
import { terminateCases } from '../support/api';
import { closedAfterEscalation, ESCALATION_REASON } from '../support/case-flow';

jest.setTimeout(300_000);

const DESKTOP = { width: 1280, height: 720 };
let s: ConsoleSuite;
let closedId: string;
const started: string[] = [];

beforeAll(async () => {
  s = await startConsoleSuite('casepage');
  closedId = await closedAfterEscalation(s.api);
  started.push(closedId);
  const rated = await request(s.api.app).post(`/api/cases/${closedId}/rating`).set('Authorization', await s.api.auth('wangfang')).send({ score: 5, comment: '处理及时，满意' });
  expect(rated.status).toBe(201);
});
afterAll(async () => {
  await terminateCases(s.api, started);
  await s?.close();
});

/** Opens the case page and waits until the path is drawn on the diagram and the history is verified. */
async function openCase(page: Page, id: string, drawn = 'Task_Handle') {
  await page.goto(`/cases/${id}`);
  await page.getByRole('heading', { name: `案件 ${id}` }).waitFor();
  await page.locator(`.djs-element.path-visited[data-element-id="${drawn}"], .djs-element.path-active[data-element-id="${drawn}"]`).first().waitFor();
  await page.getByRole('status', { name: '留痕校验' }).waitFor();
}

describe('story 4 (first half): an auditor reads a closed, escalated case', () => {
  it('given a case the community escalated to the street and the street closed, when 梁淑芬 opens its page, then she sees the path on the diagram with both tiers, the timeline and "完整"', async () => {
    const page = await s.as('dc.auditor', DESKTOP);
    await openCase(page, closedId);

    // the summary: closed, escalated once, rated 5
    await page.getByText('已结案').first().waitFor();
    await page.getByText('上报 1 次').first().waitFor();
    await page.getByText('5 分').waitFor();
    await page.getByText('处理及时，满意').waitFor();

    // the path on the diagram: 处置 visited at both tiers, the hop marked on it, the flows taken drawn
    const hop = page.getByRole('note').filter({ hasText: /村（社区）\s*→\s*街道/ });
    await hop.waitFor();
    expect(await page.locator('.djs-element.path-visited[data-element-id="Task_Handle"]').count()).toBe(1);
    expect(await page.locator('.djs-connection.path-taken[data-element-id="Flow_HandleToVerify"]').count()).toBe(1);
    expect(await page.locator('.djs-connection.path-taken[data-element-id="Flow_VerifyToRework"]').count()).toBe(0);
    expect(await page.locator('.path-active').count()).toBe(0);
    const hops = page.getByRole('region', { name: '层级流转' });
    await hops.getByText(/村（社区）\s*→\s*街道/).waitFor();
    await hops.getByText('东华门第一社区 → 东华门街道').waitFor();
    await hops.getByText(`原因：${ESCALATION_REASON}`).waitFor();
    // every visit with its tier and unit: 李明 at the community, 许文博 at the street
    const steps = page.getByLabel('经过的环节');
    await steps.getByRole('row').filter({ hasText: '东华门第一社区' }).filter({ hasText: '李明' }).filter({ hasText: '已上报上级' }).waitFor();
    await steps.getByRole('row').filter({ hasText: '东华门街道' }).filter({ hasText: '许文博' }).waitFor();

    // clicking 处置 on the diagram shows when each visit began and ended, and by whom
    await page.locator('[data-element-id="Task_Handle"]').first().click();
    const selected = page.getByLabel('环节：处置');
    await selected.getByText('李明').waitFor();
    await selected.getByText('许文博').waitFor();

    // the timeline: who, what, from which tier and why, and the chain intact
    await page.getByText(`原因：${ESCALATION_REASON}`).first().waitFor();
    const verify = page.getByRole('status', { name: '留痕校验' });
    expect(await verify.textContent()).toContain('完整');
    await page.locator('.el-timeline-item').filter({ hasText: '逐级上报' }).filter({ hasText: '李明' }).first().waitFor();

    // the map: the grids drawn from their GeoJSON, the point on them
    const map = page.getByRole('img', { name: '案件位置与网格地图' });
    await map.waitFor();
    await map.locator('svg path').first().waitFor();
    expect(await map.locator('svg path').count()).toBeGreaterThan(3);

    // an auditor may not urge or withdraw; the record may be printed
    expect(await page.getByRole('button', { name: '催办' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '撤回' }).count()).toBe(0);
    await page.getByLabel('环节：处置').getByRole('button', { name: '关闭' }).click();
    await page.evaluate("document.querySelector('main').scrollTop = 0");
    await s.shot(page, 'case-page-4-auditor-desktop');
    await page.locator('.block').first().scrollIntoViewIfNeeded();
    await s.shot(page, 'case-page-4-auditor-desktop-path');
    await verify.scrollIntoViewIfNeeded();
    await s.shot(page, 'case-page-4-auditor-desktop-timeline');
    await page.close();
  });

  it('given the same case on a phone, then the map and the diagram stack vertically, each as wide as the screen', async () => {
    const page = await s.as('dc.auditor', PHONE);
    await openCase(page, closedId);
    const map = page.getByRole('img', { name: '案件位置与网格地图' });
    const diagram = page.getByRole('img', { name: `流程图：案件 ${closedId} 的办理路径` });
    await map.waitFor();
    const [m, d] = [await map.boundingBox(), await diagram.boundingBox()];
    expect(m && d).toBeTruthy();
    expect(d!.y).toBeGreaterThanOrEqual(m!.y + m!.height);
    expect(m!.width).toBeGreaterThan(PHONE.width * 0.75);
    expect(d!.width).toBeGreaterThan(PHONE.width * 0.75);
    // nothing wider than the screen
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await s.shot(page, 'case-page-4-auditor-phone');
    await diagram.scrollIntoViewIfNeeded();
    await s.shot(page, 'case-page-4-auditor-phone-path');
    await page.close();
  });

  it('given the case page, when she follows 打印 / 导出, then the whole record is on one page with hashes and the diagram, the button prints, and Chromium makes a PDF of it', async () => {
    const page = await s.as('dc.auditor', DESKTOP);
    await openCase(page, closedId);
    await page.getByRole('link', { name: '打印 / 导出' }).click();
    await page.waitForURL(`**/cases/${closedId}/print`);
    await page.getByRole('heading', { name: `案件记录 · ${closedId}` }).waitFor();
    // no console header on the printable page
    expect(await page.getByRole('banner').count()).toBe(0);
    await page.locator('[data-element-id="Task_Handle"]').first().waitFor();
    await page.getByRole('heading', { name: '留痕校验：完整' }).waitFor();
    const history = await request(s.api.app).get(`/api/cases/${closedId}/history`).set('Authorization', await s.api.auth('dc.auditor'));
    const last = history.body.events[history.body.events.length - 1];
    const table = page.getByRole('table', { name: '办理记录' });
    await table.getByText(last.hash).waitFor();
    expect(await table.getByRole('row').count()).toBe(history.body.events.length + 1);

    // the button calls the browser's print
    await page.evaluate('window.printed = 0; window.print = () => { window.printed += 1; }');
    await page.getByRole('button', { name: '打印 / 保存为 PDF' }).click();
    expect(await page.evaluate('window.printed')).toBe(1);
    await s.shot(page, 'case-page-4-print-desktop');

    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    fs.writeFileSync(path.join(SCREENSHOT_DIR, 'case-page-4-print.pdf'), pdf);
    // as the printer sees it (A4 landscape at 96 dpi): no buttons
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 1123, height: 794 });
    expect(await page.getByRole('button', { name: '打印 / 保存为 PDF' }).isVisible()).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'case-page-4-print-media.png'), fullPage: true });
    await page.close();

    const phone = await s.as('dc.auditor', PHONE);
    await phone.goto(`/cases/${closedId}/print`);
    await phone.getByRole('heading', { name: `案件记录 · ${closedId}` }).waitFor();
    await phone.locator('[data-element-id="Task_Handle"]').first().waitFor();
    await s.shot(phone, 'case-page-4-print-phone');
    await phone.close();
  });
});

describe('story 5: a handler of another district cannot open the case page', () => {
  it('given the case of 东城区, when 马骏 of 西城区 opens its address, then the page says it does not exist or he may not see it, and shows nothing of it', async () => {
    const page = await s.as('xc.handler', DESKTOP);
    await page.goto(`/cases/${closedId}`);
    await page.getByText('案件不存在或您无权查看').waitFor();
    expect(await page.getByText('居民楼顶违法扩建').count()).toBe(0);
    expect(await page.getByText(ESCALATION_REASON).count()).toBe(0);
    await s.shot(page, 'case-page-5-other-district-desktop');
    await page.close();
    const phone = await s.as('xc.handler', PHONE);
    await phone.goto(`/cases/${closedId}/print`);
    await phone.getByText('案件不存在或您无权查看').waitFor();
    await s.shot(phone, 'case-page-5-other-district-phone');
    await phone.close();
  });
});

describe('a supervisor urges from the case page', () => {
  it('given a case waiting at 受理, when 韩立新 (东华门街道) urges it with a note, then the timeline shows his 催办 and the note', async () => {
    const c = await reportAs(s.api, 'wangfang', { description: '东华门大街20号垃圾满溢' });
    started.push(c.id);
    await inboxTask(s.api, 'dhm1.handler', c.id, 'Task_Accept');
    const page = await s.as('dhm.supervisor', DESKTOP);
    await openCase(page, c.id, 'Task_Accept');
    expect(await page.getByRole('button', { name: '撤回' }).count()).toBe(0);
    await page.getByRole('button', { name: '催办' }).click();
    const dialog = page.getByRole('dialog', { name: `催办案件 ${c.id}` });
    await dialog.getByLabel('催办说明').fill('请今天内受理');
    await dialog.getByRole('button', { name: '提交' }).click();
    await page.getByText('说明：请今天内受理').waitFor();
    await page.locator('.el-timeline-item').filter({ hasText: '催办' }).filter({ hasText: '韩立新' }).first().waitFor();
    await page.getByRole('button', { name: '督办' }).waitFor();
    await page.getByText('说明：请今天内受理').scrollIntoViewIfNeeded();
    await s.shot(page, 'case-page-supervisor-urged');
    await page.close();
  });
});

describe('the reporter withdraws a fresh report', () => {
  it('given 王芳’s report still waiting for 受理, when she withdraws it from 我的上报 with a reason, then it shows 已撤回 and can no longer be withdrawn', async () => {
    const fresh = await reportAs(s.api, 'wangfang', { description: '东华门大街8号路灯不亮（撤回演示）' });
    started.push(fresh.id);
    await inboxTask(s.api, 'dhm1.handler', fresh.id, 'Task_Accept');

    // its page: 受理 is where it waits, and its reporter may still withdraw it
    const own = await s.as('wangfang', DESKTOP);
    await openCase(own, fresh.id, 'Task_Accept');
    expect(await own.locator('.djs-element.path-active[data-element-id="Task_Accept"]').count()).toBe(1);
    await own.getByRole('button', { name: '撤回' }).waitFor();
    await own.locator('.block').first().scrollIntoViewIfNeeded();
    await s.shot(own, 'case-page-reporter-waiting');
    await own.close();

    const phone = await s.as('wangfang', PHONE);
    await phone.goto('/reports');
    await phone.getByRole('heading', { name: '我的上报' }).waitFor();
    await phone.getByRole('button', { name: `撤回 ${fresh.id}` }).waitFor();
    await s.shot(phone, 'case-page-reports-phone');
    await phone.close();

    const page = await s.as('wangfang', DESKTOP);
    await page.goto('/reports');
    const row = page.getByRole('row').filter({ hasText: fresh.id });
    await row.waitFor();
    await s.shot(page, 'case-page-reports-desktop');
    await row.getByRole('button', { name: `撤回 ${fresh.id}` }).click();
    const dialog = page.getByRole('dialog', { name: `撤回上报 ${fresh.id}` });
    await dialog.getByLabel('撤回原因').fill('路灯已恢复，无需处理');
    await s.shot(page, 'case-page-reports-withdraw-dialog');
    await dialog.getByRole('button', { name: '确认撤回' }).click();
    await row.getByText('已撤回').filter({ visible: true }).waitFor();
    expect(await row.getByRole('button', { name: `撤回 ${fresh.id}` }).count()).toBe(0);
    await s.shot(page, 'case-page-reports-withdrawn-desktop');

    const api = await request(s.api.app).get(`/api/cases/${fresh.id}`).set('Authorization', await s.api.auth('wangfang'));
    expect(api.body).toMatchObject({ status: 'WITHDRAWN', activeTasks: [] });
    const history = await request(s.api.app).get(`/api/cases/${fresh.id}/history`).set('Authorization', await s.api.auth('dc.auditor'));
    expect(history.body.events).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'withdraw', reason: '路灯已恢复，无需处理', actor: expect.objectContaining({ name: '王芳' }) })]));

    // and the case page says so, with no 撤回 left
    await page.getByRole('link', { name: fresh.id }).click();
    await page.getByRole('heading', { name: `案件 ${fresh.id}` }).waitFor();
    await page.getByText('已撤回').first().waitFor();
    expect(await page.getByRole('button', { name: '撤回' }).count()).toBe(0);
    await page.close();
  });
});
