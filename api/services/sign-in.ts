/**
 * Signing in, throttled. Every attempt is a row of sign_in_events (the database, not this
 * process's memory, so every API instance counts the same attempts):
 *
 * - per account (the username as given, whether an account has it or not, so nothing tells
 *   which usernames exist): the first `accountFreeFailures` failures in a row cost nothing; after
 *   that the next attempt must wait `baseDelayMs`, doubling with every further failure up to
 *   `maxDelayMs` (throttled TOO_MANY_ATTEMPTS on the username, with the seconds to wait). A
 *   success, an administrator's unlock or a lock clears the run.
 * - per client address: `addressFreeFailures` failures within `windowMs` cost nothing, then the
 *   same growing delay (throttled TOO_MANY_ATTEMPTS on the caller's address), whatever the accounts.
 * - `lockAfter` failures of one account within `windowMs` lock it for `lockMs` (a LOCKED row;
 *   throttled ACCOUNT_LOCKED with lockedUntil) until the period ends or an administrator unlocks it.
 *
 * A refused attempt is never checked (so a waiting or locked account cannot be guessed at), and
 * is recorded as THROTTLED. The attempt is recorded (ATTEMPT) before its password is checked,
 * so attempts running at the same moment see each other: more than `maxInFlight` at once for one
 * account are refused too. Successful sign-ins cost two indexed reads and two writes.
 */
import type { Prisma } from '../../generated/prisma/client';
import { verifyPassword } from '../../platform/auth/password';
import type { Caller } from '../auth/caller';
import type { ApiDeps, SignInPolicy } from '../deps';

export { DEFAULT_SIGN_IN_POLICY, type SignInPolicy } from '../deps';
import { CALLER_ADDRESS, type DomainError, text, throttled, unauthenticated } from './errors';
import { actorOf } from './admin/audit';
import type { AdminScope } from './admin/scope';
import { recordUserEvent } from './admin/users';

/** Spent on unknown usernames too, so timing does not tell which usernames exist. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
/** an ATTEMPT older than this belongs to a request that died: no longer "in flight" */
const IN_FLIGHT_MS = 30_000;
/** rows of one account read to judge it (a locked or waiting account gets few new failures) */
const HISTORY = 100;

type Row = { id: bigint; kind: string; at: Date; until: Date | null };

interface AccountState {
  /** failures since the run began, newest first */
  failures: Date[];
  /** attempts being checked right now (by any instance) */
  inFlight: number;
  lockedUntil: Date | null;
}

/** The account's state from its rows, newest first: the run of failures since the last success, unlock or lock. */
function accountState(rows: Row[], now: Date, policy: SignInPolicy): AccountState {
  const since = now.getTime() - policy.windowMs;
  const state: AccountState = { failures: [], inFlight: 0, lockedUntil: null };
  for (const r of rows) {
    if (r.kind === 'SUCCESS' || r.kind === 'UNLOCKED') break;
    if (r.kind === 'LOCKED') {
      if (r.until && r.until > now) state.lockedUntil = r.until;
      break;
    }
    if (r.kind === 'ATTEMPT' && r.at.getTime() > now.getTime() - IN_FLIGHT_MS) state.inFlight++;
    if (r.kind === 'FAILURE' && r.at.getTime() > since) state.failures.push(r.at);
  }
  return state;
}

/** The wait after `failures` failures of which `free` cost nothing: 0, or base × 2^(n − free), at most max. */
function delayMs(failures: number, free: number, policy: SignInPolicy): number {
  if (failures < free || policy.baseDelayMs <= 0) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(30, failures - free));
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function tooMany(field: 'username' | typeof CALLER_ADDRESS, retryMs: number): DomainError {
  const s = seconds(retryMs);
  const who = field === 'username' ? text('该账号', 'this account') : text('该地址', 'this address');
  return throttled(field, text(`${who['zh-CN']}登录失败次数过多，请 ${s} 秒后再试`, `too many failed sign-ins for ${who.en}: try again in ${s} s`), 'TOO_MANY_ATTEMPTS', s);
}

function locked(until: Date, now: Date): DomainError {
  const s = seconds(until.getTime() - now.getTime());
  const beijing = new Date(until.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
  return throttled(
    'username',
    text(`登录失败次数过多，账号已锁定至 ${beijing}（北京时间），也可请管理员解锁`, `the account is locked after too many failed sign-ins, until ${until.toISOString()} or until an administrator unlocks it`),
    'ACCOUNT_LOCKED',
    s,
    { lockedUntil: until.toISOString() },
  );
}

export interface SignInRequest {
  username: string;
  password: string;
  /** the client's address (req.ip) */
  address: string;
}

export interface SignedIn {
  id: number;
  username: string;
  displayName: string;
}

/** Checks the password unless the account or the address must wait; the refusal's Retry-After is in its `retryAfter`. */
export async function signIn(deps: ApiDeps, policy: SignInPolicy, req: SignInRequest): Promise<SignedIn> {
  const { prisma } = deps;
  const address = req.address.slice(0, 64);
  const now = new Date();
  const attempt = await prisma.signInEvent.create({ data: { username: req.username, address, kind: 'ATTEMPT', at: now }, select: { id: true } });
  const mark = (data: Prisma.SignInEventUpdateInput) => prisma.signInEvent.update({ where: { id: attempt.id }, data, select: { id: true } });

  const refusal = await judge(deps, policy, req.username, address, attempt.id, now);
  if (refusal) {
    await mark({ kind: 'THROTTLED' });
    throw refusal;
  }

  const user = await prisma.user.findUnique({ where: { username: req.username }, select: { id: true, username: true, passwordHash: true, active: true, displayName: true } });
  const ok = await verifyPassword(req.password, user?.passwordHash ?? DUMMY_HASH).catch(() => false);
  if (user && user.active && ok) {
    await mark({ kind: 'SUCCESS', userId: user.id });
    return { id: user.id, username: user.username, displayName: user.displayName };
  }
  await mark({ kind: 'FAILURE', userId: user?.id ?? null });
  // the failure that makes `lockAfter` within the window locks the account
  const after = new Date();
  const state = accountState(await history(deps, req.username, attempt.id + 1n, after, policy), after, policy);
  if (!state.lockedUntil && state.failures.length >= policy.lockAfter) {
    const until = new Date(after.getTime() + policy.lockMs);
    await prisma.signInEvent.create({ data: { username: req.username, userId: user?.id ?? null, address, kind: 'LOCKED', until, at: after } });
    throw locked(until, after);
  }
  throw unauthenticated(text('用户名或密码错误', 'wrong username or password'));
}

/** The account's rows before `beforeId` that can still matter (newest first). */
function history(deps: ApiDeps, username: string, beforeId: bigint, now: Date, policy: SignInPolicy): Promise<Row[]> {
  const since = new Date(now.getTime() - Math.max(policy.windowMs, policy.lockMs));
  return deps.prisma.signInEvent.findMany({ where: { username, at: { gte: since }, id: { lt: beforeId } }, orderBy: { id: 'desc' }, take: HISTORY, select: { id: true, kind: true, at: true, until: true } });
}

/** Why this attempt must not be checked, or null. */
async function judge(deps: ApiDeps, policy: SignInPolicy, username: string, address: string, attemptId: bigint, now: Date): Promise<DomainError | null> {
  const [rows, byAddress] = await Promise.all([
    history(deps, username, attemptId, now, policy),
    deps.prisma.signInEvent.aggregate({ where: { address, kind: 'FAILURE', at: { gte: new Date(now.getTime() - policy.windowMs) } }, _count: { _all: true }, _max: { at: true } }),
  ]);
  const account = accountState(rows, now, policy);
  if (account.lockedUntil) return locked(account.lockedUntil, now);
  if (account.inFlight >= policy.maxInFlight) return tooMany('username', 1000);
  const wait = delayMs(account.failures.length, policy.accountFreeFailures, policy);
  if (wait && account.failures[0].getTime() + wait > now.getTime()) return tooMany('username', account.failures[0].getTime() + wait - now.getTime());
  const fromAddress = byAddress._count._all;
  const last = byAddress._max.at;
  const addressWait = delayMs(fromAddress, policy.addressFreeFailures, policy);
  if (addressWait && last && last.getTime() + addressWait > now.getTime()) return tooMany(CALLER_ADDRESS, last.getTime() + addressWait - now.getTime());
  return null;
}

/** The lock that holds now on the username, if any: its latest LOCKED row, unless an UNLOCKED row came after it. */
async function currentLock(deps: ApiDeps, username: string, now: Date): Promise<Date | null> {
  const last = await deps.prisma.signInEvent.findFirst({ where: { username, kind: { in: ['LOCKED', 'UNLOCKED'] } }, orderBy: { id: 'desc' }, select: { kind: true, until: true } });
  return last?.kind === 'LOCKED' && last.until && last.until > now ? last.until : null;
}

/**
 * An administrator lifts the account's lock and clears its run of failures (an UNLOCKED row
 * naming them), whether or not a lock holds. The caller's right to change the account is
 * checked before (ownedAccount, api/services/admin/users.ts).
 */
export async function unlockAccount(deps: ApiDeps, admin: Caller, user: { id: number; username: string }, address: string, scope: AdminScope) {
  const now = new Date();
  const was = await currentLock(deps, user.username, now);
  await deps.prisma.$transaction(async (tx) => {
    await tx.signInEvent.create({ data: { username: user.username, userId: user.id, address: address.slice(0, 64), kind: 'UNLOCKED', actorId: admin.userId, actorName: admin.name, at: now } });
    // and in the administration audit log, with the lock before and after
    await recordUserEvent(tx, scope, actorOf(admin), user.id, 'user.unlock', { username: user.username, lockedUntil: was?.toISOString() ?? null }, { username: user.username, lockedUntil: null });
  });
  return { id: user.id, username: user.username, locked: false, lockedUntil: null, wasLockedUntil: was?.toISOString() ?? null, unlockedAt: now.toISOString() };
}
