/**
 * Notifications that reach people, in a real browser (Chromium + playwright-core), with the delivery
 * worker running as `npm start` runs it. Story 2 of issue 13: a task overdue at the village tier
 * escalates to the street; the street handler (许文博) sees it in his inbox; the community
 * handler's supervisor — the street's supervisor 韩立新, who supervises the village tier — is
 * notified (自动督办): the bell counts it, the notification centre shows it unread, he opens it and
 * it is read. Screenshots of the bell and the page, on a desktop and a phone, go to
 * .data/test-results/screenshots/notifications-*.png.
 *
 * A deadline passes for real: the story's category gives 处置 at the village tier a limit of 30
 * seconds on the clock (as the fault suite does with one minute), so the case workflow's own timer
 * fires on the real Temporal server.
 */
import request from 'supertest';
import type { Page } from 'playwright-core';
import { act, inboxTask, reportAs } from '../support/api-flow';
import { startConsoleSuite, PHONE, type ConsoleSuite } from '../support/browser';
import { terminateCases } from '../support/api';
import { uniqueSuffix } from '../support/env';

jest.setTimeout(300_000);

let s: ConsoleSuite;
const run = uniqueSuffix().slice(-6).toUpperCase();
const categoryCode = `NT${run}`;
const started: string[] = [];

beforeAll(async () => {
  s = await startConsoleSuite('notifications');
  // a category whose 处置 limit at the village tier is 30 seconds (the standard closed loop escalates 处置 when it is overdue)
  const parent = await s.api.prisma.category.findUniqueOrThrow({ where: { code: 'SS' }, select: { id: true } });
  const created = await request(s.api.app)
    .post('/api/admin/categories')
    .set('Authorization', await s.api.auth('admin'))
    .send({
      code: categoryCode,
      name: `超期演示${run}`,
      level: 'MINOR',
      parentId: parent.id,
      processKey: 'standard-closed-loop',
      timeLimits: [
        { tier: 'VILLAGE', duration: 'PT30S', calendar: 'CLOCK' },
        { tier: 'TOWNSHIP', duration: 'P5D', calendar: 'CLOCK' },
        { tier: 'DISTRICT', duration: 'P5D', calendar: 'CLOCK' },
      ],
    });
  if (created.status !== 201) throw new Error(`category: ${created.status} ${created.text}`);
});
afterAll(async () => {
  await terminateCases(s.api, started);
  await s?.close();
});

/** the smallest desktop the console is made for */
const DESKTOP_720 = { width: 1280, height: 720 };

const bell = (page: Page) => page.getByRole('button', { name: /^消息通知/ });
const centre = (page: Page) => page.getByRole('dialog', { name: '最新消息' });

/** The number on the bell's badge (0 when it shows none), read from its accessible name. */
async function unreadOnBell(page: Page): Promise<number> {
  const name = (await bell(page).getAttribute('aria-label')) ?? '';
  return Number(name.match(/(\d+) 条未读/)?.[1] ?? 0);
}

async function until(what: string, ok: () => Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('story 2: a task overdue at the village tier escalates; the street handler sees it; the community handler’s supervisor is notified, unread, then read', () => {
  it('given 韩立新’s console open, when 处置 at 东华门第一社区 passes its 30-second limit, then 许文博’s inbox holds the escalated task, and 韩立新’s bell counts the 督办 notification live, his centre shows it unread, and opening it reads it', async () => {
    // given 韩立新 (东华门街道 督办人员) with nothing unread, his console open
    await request(s.api.app).post('/api/notifications/read-all').set('Authorization', await s.api.auth('dhm.supervisor')).send({});
    const supervisor = await s.as('dhm.supervisor', DESKTOP_720);
    await bell(supervisor).waitFor();
    const before = await unreadOnBell(supervisor);

    // and 许文博 (东华门街道 处置人员) at his inbox
    const street = await s.as('dhm.handler');
    // the tasks he may take, of this run's cases (other suites escalate to him too; and 全部待办 would
    // also list the community's own 处置, which is in his area before it ever reaches him)
    await street.goto(`/inbox?view=claimable&q=${run}`);
    await street.getByRole('heading', { name: '待办任务' }).waitFor();

    // when 王芳 reports a case of the 30-second category and 李明 takes it to 处置 at the village tier
    const description = `东华门大街${run}号占道经营未清理`;
    const c = await reportAs(s.api, 'wangfang', { category: categoryCode, description });
    started.push(c.id);
    const accept = await inboxTask(s.api, 'dhm1.handler', c.id, 'Task_Accept');
    expect((await act(s.api, 'dhm1.handler', accept.id, 'claim')).status).toBe(200);
    expect((await act(s.api, 'dhm1.handler', accept.id, 'complete', { outcome: 'accept' })).status).toBe(200);
    for (const step of ['Task_Register', 'Task_Dispatch']) {
      const t = await inboxTask(s.api, 'dhm1.handler', c.id, step);
      expect((await act(s.api, 'dhm1.handler', t.id, 'complete')).status).toBe(200);
    }
    const handle = await inboxTask(s.api, 'dhm1.handler', c.id, 'Task_Handle');
    expect(handle.tier).toBe('VILLAGE');
    // and nobody handles it: the deadline passes (the case workflow's timer on the real Temporal server)

    // then the escalated 处置 appears in 许文博's inbox without reloading
    const row = street.getByRole('row', { name: new RegExp(description) });
    await row.waitFor({ timeout: 120_000 });
    await row.getByRole('link', { name: `打开任务 处置（${c.id}）` }).waitFor();
    const escalated = await inboxTask(s.api, 'dhm.handler', c.id, 'Task_Handle');
    expect(escalated.tier).toBe('TOWNSHIP');
    await s.shot(street, 'notifications-2-street-inbox');

    // and 韩立新's bell counts the 督办 notification, live
    await until('the bell counts one more', async () => (await unreadOnBell(supervisor)) > before, 60_000);
    const counted = await unreadOnBell(supervisor);
    await expect(bell(supervisor).innerText()).resolves.toContain(String(counted));

    // he opens the centre: the notification is there, unread, about his community's case
    await bell(supervisor).click();
    const panel = centre(supervisor);
    const entry = panel.getByRole('article', { name: '未读：督办：处置' }).filter({ hasText: c.id });
    await entry.waitFor();
    await entry.getByText('已超期').waitFor();
    await entry.getByText('督办', { exact: true }).waitFor();
    await s.shot(supervisor, 'notifications-2-bell-desktop');

    // when he opens it, it leads to the case and is read (the bell's count itself may rise again
    // meanwhile: other suites' overdue cases of his street notify him too)
    await entry.getByRole('link', { name: '督办：处置' }).click();
    await supervisor.waitForURL(`**/cases/${c.id}`);
    const auth = await s.api.auth('dhm.supervisor');
    const supervise = async () => {
      const mine = await request(s.api.app).get('/api/notifications').query({ kind: 'SUPERVISE', limit: 100 }).set('Authorization', auth);
      return mine.body.items.find((i: { caseId: string }) => i.caseId === c.id) as { status: string } | undefined;
    };
    await until('the notification is read', async () => (await supervise())?.status === 'READ', 30_000);

    // and the notification centre's page shows it read
    await supervisor.goto('/notifications');
    await supervisor.getByRole('heading', { name: '消息中心' }).waitFor();
    const listed = supervisor.getByRole('region', { name: '消息中心' }).getByRole('article', { name: '已读：督办：处置' }).filter({ hasText: c.id });
    await listed.waitFor();
    await supervisor.getByRole('heading', { name: '接收方式' }).waitFor();
    await s.shot(supervisor, 'notifications-2-page-desktop');

    // and through the API: his, read; the SUPERVISE went to the street's supervisor, not the community handler
    expect(await supervise()).toMatchObject({ kind: 'SUPERVISE', title: '督办：处置', taskId: handle.id, status: 'READ', readAt: expect.any(String) });
  });

  it('on a phone, the bell opens the newest notifications within the screen, and the page lists them above the channel settings', async () => {
    // given a notice to the supervisors of 东华门街道 (the notice broadcast writes the outbox; the delivery worker delivers it)
    const street = await s.api.prisma.orgUnit.findFirstOrThrow({ where: { name: '东华门街道' } });
    const noticeId = `N-${run}`;
    await s.api.temporal.client.workflow.execute('broadcastNotice', {
      taskQueue: s.api.taskQueue,
      workflowId: `notice-${noticeId}`,
      args: [{ noticeId, orgUnitId: street.id, roles: ['SUPERVISOR'], title: '防汛通知', body: '今晚有暴雨，请督促各社区加强巡查。', sentBy: { userId: null, name: '东华门街道办事处' } }],
    });
    const page = await s.as('dhm.supervisor', PHONE);
    await page.waitForURL('**/supervision');
    await until('the notice on the bell', async () => (await unreadOnBell(page)) > 0, 30_000);
    await bell(page).click();
    const panel = centre(page);
    await panel.getByRole('heading', { name: '最新消息' }).waitFor();
    await panel.getByRole('article', { name: '未读：防汛通知' }).first().waitFor();
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await s.shot(page, 'notifications-phone-bell');

    await panel.getByRole('link', { name: '查看全部消息' }).click();
    await page.waitForURL('**/notifications');
    // the popover closes; the page lists the notice
    await panel.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: '消息中心' }).waitFor();
    const list = page.getByRole('region', { name: '消息中心' });
    await list.getByRole('article', { name: '未读：防汛通知' }).first().waitFor();
    // unread only: the filter goes into the address
    const show = page.getByRole('radiogroup', { name: '显示' });
    await show.getByText('未读', { exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('unread') === '1');
    await list.getByRole('article', { name: '未读：防汛通知' }).first().waitFor();
    await show.getByText('全部', { exact: true }).click();
    await page.waitForURL((u) => !u.searchParams.has('unread'));
    await page.getByRole('heading', { name: '接收方式' }).scrollIntoViewIfNeeded();
    await s.shot(page, 'notifications-phone-page');
  });

  it('the bell works from the keyboard: Enter opens the newest, Esc closes them and gives the focus back to the bell', async () => {
    const page = await s.as('dhm.supervisor', DESKTOP_720);
    await bell(page).focus();
    await page.keyboard.press('Enter');
    const panel = centre(page);
    await panel.getByRole('heading', { name: '最新消息' }).waitFor();
    await panel.getByRole('link', { name: '查看全部消息' }).focus();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await bell(page).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  });

  it('a person chooses which kinds also come by SMS to their phone; without a phone number the page says none are sent', async () => {
    const page = await s.as('dhm.supervisor', DESKTOP_720);
    await page.goto('/notifications');
    const settings = page.getByRole('group', { name: '通过短信接收的消息类型' });
    await settings.waitFor();
    // the demo account's made-up number, masked
    await page.getByText(/^短信发送至 138\*{4}\d{4}$/).waitFor();
    const approval = settings.getByRole('checkbox', { name: '审批' });
    const wasChecked = await approval.isChecked();
    await settings.getByText('审批', { exact: true }).click();
    await page.getByRole('button', { name: '保存接收方式' }).click();
    await page.getByText('接收方式已保存').waitFor();
    const auth = await s.api.auth('dhm.supervisor');
    const saved = await request(s.api.app).get('/api/me/notification-settings').set('Authorization', auth);
    expect(saved.body.channels.find((c: { channel: string }) => c.channel === 'SMS').kinds.includes('APPROVAL')).toBe(!wasChecked);

    // without a phone number on the account, the page says no SMS are sent
    const me = await s.api.prisma.user.findUniqueOrThrow({ where: { username: 'dhm.supervisor' }, select: { id: true, phone: true } });
    await s.api.prisma.user.update({ where: { id: me.id }, data: { phone: null } });
    try {
      await page.reload();
      await page.getByText('您的账号没有登记手机号').waitFor();
    } finally {
      await s.api.prisma.user.update({ where: { id: me.id }, data: { phone: me.phone } });
      // put the choice back
      await request(s.api.app).put('/api/me/notification-settings').set('Authorization', auth).send({ channels: [{ channel: 'SMS', kinds: ['URGE', 'SUPERVISE'] }] });
    }
  });
});
