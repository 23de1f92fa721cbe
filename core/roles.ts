/**
 * The roles and their one set of names: the API's messages, the demo accounts table
 * (seed/ACCOUNTS.md) and the console (designer/src/i18n) call each role the same
 * (tests/unit/role-names.test.ts checks).
 */
export const ROLES = ['ADMINISTRATOR', 'DISPATCHER', 'HANDLER', 'GRID_WORKER', 'SUPERVISOR', 'AUDITOR'] as const;
export type RoleCode = (typeof ROLES)[number];

export const ROLE_NAMES: Readonly<Record<RoleCode, { 'zh-CN': string; en: string }>> = {
  ADMINISTRATOR: { 'zh-CN': '系统管理员', en: 'administrator' },
  DISPATCHER: { 'zh-CN': '派遣员', en: 'dispatcher' },
  HANDLER: { 'zh-CN': '处置人员', en: 'handler' },
  GRID_WORKER: { 'zh-CN': '网格员', en: 'grid worker' },
  SUPERVISOR: { 'zh-CN': '督办人员', en: 'supervisor' },
  AUDITOR: { 'zh-CN': '审计人员', en: 'auditor' },
};

/** The roles named in one language, as a list ("督办人员、处置人员" / "supervisor, handler"). */
export function roleList(roles: readonly RoleCode[], locale: 'zh-CN' | 'en'): string {
  return roles.map((r) => ROLE_NAMES[r][locale]).join(locale === 'en' ? ', ' : '、');
}
