/**
 * Story 4 in a real browser (Chromium + playwright-core), its second half: the auditor 梁淑芬
 * (dc.auditor) searches a month of cases in 案件查询, exports them as Excel — the downloaded file
 * opens (exceljs) with the month's cases and their history — and 批量核验 finds every chain
 * intact; once a history row is edited behind the application's back, it names that case and row.
 * On a 1280×720 screen and a 390×844 phone. Screenshots: .data/test-results/screenshots/audit-4-*.png.
 *
 * Fixtures, reported by 王芳 through the API and dated into September 2025: a case passed up a
 * tier at 受理, one closed at the village and rated, one waiting at 受理; and one in August, outside
 * the month.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import mariadb from 'mariadb';
import type { Page } from 'playwright-core';
import { connectionOptions } from '../../platform/db/url';
import { terminateCases } from '../support/api';
import { closedCase, escalatedCase, reportedAt, reportedCase } from '../support/audit-fixtures';
import { startConsoleSuite, PHONE, type ConsoleSuite } from '../support/browser';
import { testServices } from '../support/env';

jest.setTimeout(300_000);

const SCREEN = { width: 1280, height: 720 };
let s: ConsoleSuite;
let month: string[];
let august: string;

beforeAll(async () => {
  s = await startConsoleSuite('audit');
  const [escalated, closed, waiting, before] = await Promise.all([
    escalatedCase(s.api, '东华门大街早市占道经营，社区无执法权'),
    closedCase(s.api, '东华门大街12号门前井盖缺失', 4),
    reportedCase(s.api, '南池子大街路灯不亮'),
    reportedCase(s.api, '八月的井盖缺失'),
  ]);
  await reportedAt(s.api, escalated, '2025-09-03T08:15:00+08:00');
  await reportedAt(s.api, closed, '2025-09-16T10:00:00+08:00');
  await reportedAt(s.api, waiting, '2025-09-29T17:45:00+08:00');
  await reportedAt(s.api, before, '2025-08-31T23:00:00+08:00');
  month = [escalated, closed, waiting];
  august = before;
});
afterAll(async () => {
  await terminateCases(s.api, [...(month ?? []), august].filter(Boolean));
  await s?.close();
});

/** Chooses days in the range picker the way a person types them, and searches. */
async function searchMonth(page: Page, from: string, to: string) {
  await page.getByPlaceholder('开始日期').first().click();
  await page.getByPlaceholder('开始日期').first().fill(from);
  await page.getByPlaceholder('结束日期').first().fill(to);
  await page.getByPlaceholder('结束日期').first().press('Enter');
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('from') === from && u.searchParams.get('to') === to);
}

describe('story 4 (second half): an auditor exports a month of cases and verifies them', () => {
  it('given cases reported in September 2025, when 梁淑芬 searches September, exports Excel and verifies all, then the file holds the month with its history and every chain is intact', async () => {
    const page = await s.as('dc.auditor', SCREEN);
    // the auditor lands in 案件查询
    await page.waitForURL('**/cases');
    await page.getByRole('heading', { name: '案件查询' }).waitFor();

    await searchMonth(page, '2025-09-01', '2025-09-30');
    await page.getByText('共 3 件').waitFor();
    for (const id of month) await page.getByRole('link', { name: id }).first().waitFor();
    expect(await page.getByRole('link', { name: august }).count()).toBe(0);
    // the escalated case waits at the street: its deadline is coloured
    await s.shot(page, 'audit-4-search');

    // 导出 Excel: the download is the month, named after it
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(download.suggestedFilename()).toBe('cases_2025-09-01_2025-09-30.xlsx');
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(file!) as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const cases = wb.getWorksheet('案件')!;
    const ids: unknown[] = [];
    cases.eachRow((row, n) => n > 1 && ids.push(row.getCell(1).value));
    expect(ids).toEqual(month);
    const history = wb.getWorksheet('办理记录')!;
    const rows: [unknown, unknown][] = [];
    history.eachRow((row, n) => n > 1 && rows.push([row.getCell(1).value, row.getCell(2).value]));
    const expected = await s.api.prisma.caseEvent.findMany({ where: { caseId: { in: month } }, select: { caseId: true, seq: true } });
    expect(rows).toHaveLength(expected.length);
    for (const id of month) expect(rows.filter(([c]) => c === id).map(([, seq]) => seq)).toEqual(expected.filter((e) => e.caseId === id).map((e) => e.seq).sort((a, b) => a - b));
    // the export is in the history on the page
    await page.getByRole('cell', { name: 'cases_2025-09-01_2025-09-30.xlsx' }).waitFor();

    // 批量核验: every chain of the month is intact
    await page.getByRole('button', { name: '批量核验' }).click();
    await page.getByText('共核验 3 件，全部完整').waitFor();
    await s.shot(page, 'audit-4-verified');
    await page.getByRole('heading', { name: '导出记录' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await s.shot(page, 'audit-4-history');

    // the search is the URL: reloading brings it back
    await page.reload();
    await page.getByText('共 3 件').waitFor();
    await page.getByRole('link', { name: month[0] }).first().waitFor();
  });

  it('given a history row of one case edited afterwards with the schema owner’s account, 批量核验 names that case and the row', async () => {
    const owner = await mariadb.createConnection(connectionOptions(testServices().ownerUrl));
    try {
      await owner.query('DROP TRIGGER IF EXISTS `case_events_no_update`');
      try {
        await owner.query("UPDATE case_events SET actorName = '冒名' WHERE caseId = ? AND seq = 1", [month[2]]);
      } finally {
        await owner.query("CREATE TRIGGER `case_events_no_update` BEFORE UPDATE ON `case_events` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'case_events is append-only'");
      }
    } finally {
      await owner.end();
    }
    const page = await s.as('dc.auditor', SCREEN);
    await page.goto('/cases?from=2025-09-01&to=2025-09-30');
    await page.getByText('共 3 件').waitFor();
    await page.getByRole('button', { name: '批量核验' }).click();
    const result = page.getByRole('status', { name: '核验结果' });
    await result.getByText('2 件完整，1 件办理记录链异常').waitFor();
    await result.getByRole('link', { name: month[2] }).waitFor();
    await result.getByText('第 1 条记录与其哈希不符').waitFor();
    await s.shot(page, 'audit-4-broken');
  });

  it('given a phone, the same search shows the month as cards, with the filters folded away and the export buttons within reach', async () => {
    const page = await s.as('dc.auditor', PHONE);
    await page.goto('/cases?from=2025-09-01&to=2025-09-30');
    await page.getByText('共 3 件').waitFor();
    for (const id of month) await page.getByRole('link', { name: id }).first().waitFor();
    await page.getByRole('button', { name: '导出 Excel' }).waitFor();
    await s.shot(page, 'audit-4-phone');
    await page.getByRole('button', { name: '更多条件' }).click();
    await page.getByText('逐级上报', { exact: true }).first().waitFor();
    await s.shot(page, 'audit-4-phone-filters');
  });
});
