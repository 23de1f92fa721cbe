/**
 * The console in a real browser: Debian's Chromium (installed by the test runner, path in
 * GRIDCASE_CHROMIUM) driven by playwright-core, against the API app serving the built console
 * (GRIDCASE_CONSOLE_DIR) on an ephemeral port. One browser per suite, one context per role;
 * screenshots go to .data/test-results/screenshots/ (not committed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { listening, startApiSuite, DEMO_PASSWORD, type ApiSuite } from './api';

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '.data', 'test-results', 'screenshots');

export interface ConsoleSuite {
  api: ApiSuite;
  browser: Browser;
  baseUrl: string;
  /** a signed-in browser context of that demo account (one per username, reused) */
  as(username: string, viewport?: { width: number; height: number }): Promise<Page>;
  shot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export async function startConsoleSuite(prefix: string): Promise<ConsoleSuite> {
  const executablePath = process.env.GRIDCASE_CHROMIUM;
  const consoleDir = process.env.GRIDCASE_CONSOLE_DIR;
  if (!executablePath || !consoleDir) throw new Error('run the browser tests with `npm test`: it builds the console and installs Chromium');
  // with the notification delivery worker, as `npm start` runs it: the bell and the notification centre fill
  const api = await startApiSuite(prefix, { consoleDir, deliver: true });
  const { base: baseUrl, close: stopListening } = await listening(api.app);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const contexts = new Map<string, BrowserContext>();
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    api,
    browser,
    baseUrl,
    async as(username, viewport = DESKTOP) {
      const key = `${username}@${viewport.width}`;
      let context = contexts.get(key);
      if (!context) {
        context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: baseUrl });
        contexts.set(key, context);
      }
      const page = await context.newPage();
      await page.goto('/signin');
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
      return page;
    },
    async shot(page, name) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, animations: 'disabled' });
      return file;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await stopListening();
      await api.close();
    },
  };
}
