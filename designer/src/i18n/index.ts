/**
 * The console's texts: the shared ones (zh-CN.ts, en.ts) plus one file per area of the console in
 * areas/ (each `export default { 'zh-CN': {...}, en: {...} }`, its keys under its own top-level
 * name), so every page keeps its texts beside the others' without sharing a file.
 */
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';
import { session } from '../session/session';

type Messages = Record<string, unknown>;
const areas = import.meta.glob<{ default: { 'zh-CN': Messages; en: Messages } }>('./areas/*.ts', { eager: true });

const merged = { 'zh-CN': { ...zhCN } as Messages, en: { ...en } as Messages };
for (const [file, { default: area }] of Object.entries(areas)) {
  for (const lang of ['zh-CN', 'en'] as const) {
    for (const key of Object.keys(area[lang])) {
      if (key in merged[lang]) throw new Error(`i18n: ${file} redefines "${key}"`);
      merged[lang][key] = area[lang][key];
    }
  }
}

export const i18n = createI18n({ legacy: false, locale: session.lang, fallbackLocale: 'zh-CN', messages: merged as { 'zh-CN': typeof zhCN; en: typeof zhCN } });
