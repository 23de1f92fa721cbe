/**
 * One set of role names: the API's messages, the demo accounts table (seed/ACCOUNTS.md) and the
 * console call each role the same.
 */
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { allow } from '../../api/auth/middleware';
import type { Caller } from '../../api/auth/caller';
import { errorHandler } from '../../api/problem';
import { ROLE_NAMES, ROLES } from '../../core/roles';
import consoleZh from '../../designer/src/i18n/zh-CN';

describe('role names', () => {
  it('given seed/ACCOUNTS.md, every role cell is the role code followed by its one Chinese name', () => {
    const md = fs.readFileSync(path.join(__dirname, '../../seed/ACCOUNTS.md'), 'utf8');
    const cells = md
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split('|')[3].trim());
    expect(cells.length).toBeGreaterThan(40);
    for (const cell of cells) {
      // the code, its one name, and the title the account holds it with, if any: "GRID_WORKER 网格员（网格长）"
      const [code, name] = cell.split(' ');
      expect(ROLES).toContain(code);
      expect(name.replace(/（[^）]+）$/, '')).toBe(ROLE_NAMES[code as (typeof ROLES)[number]]['zh-CN']);
    }
  });

  it('given the console, its role names are the same', () => {
    for (const role of ROLES) expect(consoleZh.roles[role]).toBe(ROLE_NAMES[role]['zh-CN']);
  });

  it('given a caller without the role, the refusal names every role the one way, in both languages', async () => {
    const app = express();
    app.get('/x', (req, _res, next) => {
      req.caller = { roles: new Set(['AUDITOR']) } as unknown as Caller;
      next();
    }, allow('DISPATCHER', 'HANDLER', 'GRID_WORKER', 'SUPERVISOR', 'ADMINISTRATOR'));
    app.use(errorHandler);
    const zh = await request(app).get('/x');
    expect(JSON.parse(zh.text)).toMatchObject({ status: 403, code: 'ROLE_REQUIRED', field: 'header.Authorization', detail: `需要以下角色之一：${['DISPATCHER', 'HANDLER', 'GRID_WORKER', 'SUPERVISOR', 'ADMINISTRATOR'].map((r) => ROLE_NAMES[r as (typeof ROLES)[number]]['zh-CN']).join('、')}` });
    const en = await request(app).get('/x').set('Accept-Language', 'en');
    expect(JSON.parse(en.text)).toMatchObject({ detail: 'requires one of the roles: dispatcher, handler, grid worker, supervisor, administrator' });
  });
});
