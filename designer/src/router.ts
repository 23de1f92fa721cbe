import { createRouter, createWebHistory } from 'vue-router';
import { api, ok } from './api/client';
import { homeOf, session, type Me } from './session/session';

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/signin', name: 'signin', component: () => import('./pages/SignIn.vue'), meta: { public: true } },
    { path: '/', name: 'home', redirect: () => homeOf(session.me) },
    { path: '/workspace', redirect: () => homeOf(session.me) },
    { path: '/inbox', name: 'inbox', component: () => import('./pages/Inbox.vue') },
    { path: '/supervision', name: 'supervision', component: () => import('./pages/Supervision.vue') },
    { path: '/cases', name: 'cases', component: () => import('./pages/CaseSearch.vue') },
    { path: '/cases/:id', name: 'case', component: () => import('./pages/CasePage.vue') },
    { path: '/cases/:id/print', name: 'case-print', component: () => import('./pages/CasePrint.vue'), meta: { bare: true } },
    { path: '/reports', name: 'reports', component: () => import('./pages/MyReports.vue') },
    { path: '/notifications', name: 'notifications', component: () => import('./pages/Notifications.vue') },
    { path: '/processes', name: 'processes', component: () => import('./pages/ProcessList.vue'), meta: { admin: true } },
    { path: '/processes/:key', name: 'editor', component: () => import('./pages/ProcessEditor.vue'), meta: { admin: true } },
    { path: '/processes/:key/versions', name: 'versions', component: () => import('./pages/ProcessVersions.vue'), meta: { admin: true } },
    { path: '/processes/:key/diff', name: 'diff', component: () => import('./pages/ProcessDiff.vue'), meta: { admin: true } },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFound.vue') },
  ],
});

/** Loads the caller once per session; an invalid token sends the user to sign in again. */
async function loadMe(): Promise<Me | null> {
  if (session.me || !session.token) return session.me;
  try {
    session.me = ok(await api.GET('/api/auth/me')) as unknown as Me;
  } catch {
    session.me = null;
  }
  return session.me;
}

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const me = await loadMe();
  if (!me) return { name: 'signin', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  // Administration pages are for administrators and auditors (read-only); the API checks again.
  if (to.meta.admin && !me.roles.includes('ADMINISTRATOR') && !me.roles.includes('AUDITOR')) return homeOf(me);
  return true;
});

window.addEventListener('gridcase:signed-out', () => {
  if (router.currentRoute.value.name !== 'signin') void router.push({ name: 'signin' });
});
