/** The caller cache of the API's authentication (api/auth/caller-cache.ts), on a fake clock and a fake user table. */
import type { PrismaClient } from '../../generated/prisma/client';
import { CallerCache } from '../../api/auth/caller-cache';

function fakeUsers() {
  const user = { id: 7, username: 'x', displayName: '某人', locale: 'zh-CN', active: true, memberships: [] as unknown[], grids: [] as unknown[] };
  let reads = 0;
  let fail = false;
  const prisma = {
    user: {
      findUnique: async () => {
        reads++;
        if (fail) throw new Error('database down');
        return { ...user };
      },
    },
  } as unknown as PrismaClient;
  return { prisma, user, reads: () => reads, failNext: (f: boolean) => (fail = f) };
}

describe('the caller cache', () => {
  it('given a token read a moment ago, when it comes again within the bound, then the caller is not read again; after the bound it is', async () => {
    let now = 1000;
    const cache = new CallerCache(5000, () => now);
    const db = fakeUsers();
    expect((await cache.get(db.prisma, 'tok', 7))?.userId).toBe(7);
    now += 4999;
    await cache.get(db.prisma, 'tok', 7);
    expect(db.reads()).toBe(1);
    db.user.active = false;
    now += 1;
    expect(await cache.get(db.prisma, 'tok', 7)).toBeNull();
    expect(db.reads()).toBe(2);
  });

  it('given requests arriving together with one token, then they share one read', async () => {
    const cache = new CallerCache(5000, () => 0);
    const db = fakeUsers();
    await Promise.all([cache.get(db.prisma, 'tok', 7), cache.get(db.prisma, 'tok', 7), cache.get(db.prisma, 'tok', 7)]);
    expect(db.reads()).toBe(1);
  });

  it('given a read that failed, then the next request reads again', async () => {
    const cache = new CallerCache(5000, () => 0);
    const db = fakeUsers();
    db.failNext(true);
    await expect(cache.get(db.prisma, 'tok', 7)).rejects.toThrow('database down');
    db.failNext(false);
    expect((await cache.get(db.prisma, 'tok', 7))?.userId).toBe(7);
    expect(db.reads()).toBe(2);
  });

  it('given forgetUser() (an event stream saw the account change), then that user is read again and no one else', async () => {
    const cache = new CallerCache(5000, () => 0);
    const db = fakeUsers();
    await cache.get(db.prisma, 'tok', 7);
    await cache.get(db.prisma, 'other', 8);
    cache.forgetUser(7);
    expect(cache.size).toBe(1);
    await cache.get(db.prisma, 'tok', 7);
    expect(db.reads()).toBe(3);
  });

  it('given clear() (an administration change) or a bound of 0, then the caller is read again', async () => {
    const cache = new CallerCache(5000, () => 0);
    const db = fakeUsers();
    await cache.get(db.prisma, 'tok', 7);
    cache.clear();
    await cache.get(db.prisma, 'tok', 7);
    expect(db.reads()).toBe(2);
    const off = new CallerCache(0, () => 0);
    await off.get(db.prisma, 'tok', 7);
    await off.get(db.prisma, 'tok', 7);
    expect(db.reads()).toBe(4);
    expect(off.size).toBe(0);
  });
});
