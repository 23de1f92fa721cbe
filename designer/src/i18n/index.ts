import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';
import { session } from '../session/session';

export const i18n = createI18n({ legacy: false, locale: session.lang, fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } });
