/**
 * The signed-in caller. The bearer token lives in sessionStorage (this tab only, gone with it;
 * never a cookie, so no request can be forged from another site); the language choice in
 * localStorage. Who the caller is comes from GET /api/auth/me, never from the client.
 */
import { reactive } from 'vue';

export type Lang = 'zh-CN' | 'en';

export interface Me {
  id: number;
  username: string;
  displayName: string;
  roles: string[];
  memberships: { orgUnitId: number; role: string; level: string; [k: string]: unknown }[];
}

const TOKEN = 'gridcase.token';
const LANG = 'gridcase.lang';

function stored(storage: Storage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

export const session = reactive({
  token: stored(sessionStorage, TOKEN),
  me: null as Me | null,
  lang: (stored(localStorage, LANG) === 'en' ? 'en' : 'zh-CN') as Lang,
});

export function setToken(token: string | null): void {
  session.token = token;
  if (token) sessionStorage.setItem(TOKEN, token);
  else sessionStorage.removeItem(TOKEN);
}

export function setLang(lang: Lang): void {
  session.lang = lang;
  localStorage.setItem(LANG, lang);
  document.documentElement.lang = lang;
}

/** Forgets the token (after sign-out or a 401); the router sends the user to the sign-in page. */
export function signOutLocally(): void {
  setToken(null);
  session.me = null;
  window.dispatchEvent(new CustomEvent('gridcase:signed-out'));
}

export const isAdministrator = () => !!session.me?.roles.includes('ADMINISTRATOR');

/**
 * Processes and categories are city-wide: only an administrator at a city unit changes them
 * (the API refuses everyone else); district administrators and auditors read them.
 */
export const canChangeProcesses = () => !!session.me?.memberships.some((m) => m.role === 'ADMINISTRATOR' && m.level === 'CITY');

/**
 * The first page of a role: administrators draw processes, auditors search cases, supervisors
 * watch what is overdue and decide approvals, the people who act on cases work their inbox;
 * anyone else (a reporter only) follows what they reported.
 */
export function homeOf(me: Me | null): string {
  if (!me) return '/signin';
  if (me.roles.includes('ADMINISTRATOR')) return '/processes';
  if (me.roles.includes('SUPERVISOR')) return '/supervision';
  if (me.roles.some((r) => r === 'HANDLER' || r === 'DISPATCHER' || r === 'GRID_WORKER')) return '/inbox';
  if (me.roles.includes('AUDITOR')) return '/cases';
  return '/reports';
}

/** Whether the caller holds one of the roles (the API decides again; this only shapes the page). */
export const holds = (...roles: string[]) => !!session.me?.roles.some((r) => roles.includes(r));
