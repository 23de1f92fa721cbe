/**
 * The words an export shows for the codes the database keeps: audit actions (the case's history
 * rows), statuses, tiers and channels, in Chinese and English. An action without a word here (a
 * service task's own action) is shown as its code.
 */
import type { Locale } from '../i18n';
import { STATUS_TEXT, TIER_TEXT } from './status-words';

type Words = Record<string, { 'zh-CN': string; en: string }>;

export const ACTION_WORDS: Words = {
  report: { 'zh-CN': '上报', en: 'reported' },
  status: { 'zh-CN': '状态变更', en: 'status changed' },
  claim: { 'zh-CN': '签收', en: 'claimed' },
  unclaim: { 'zh-CN': '取消签收', en: 'unclaimed' },
  complete: { 'zh-CN': '办理完成', en: 'completed' },
  comment: { 'zh-CN': '备注', en: 'comment' },
  escalate: { 'zh-CN': '逐级上报', en: 'escalated one tier up' },
  return: { 'zh-CN': '回退', en: 'returned' },
  rework: { 'zh-CN': '返工', en: 'sent back for rework' },
  urge: { 'zh-CN': '催办', en: 'urged' },
  supervise: { 'zh-CN': '督办', en: 'supervised' },
  overdue: { 'zh-CN': '超期', en: 'overdue' },
  changeDeadline: { 'zh-CN': '调整时限', en: 'deadline changed' },
  requestExtension: { 'zh-CN': '申请延期', en: 'extension requested' },
  requestReturn: { 'zh-CN': '申请回退', en: 'return requested' },
  requestVoid: { 'zh-CN': '申请作废', en: 'void requested' },
  requestDeferral: { 'zh-CN': '申请缓办', en: 'deferral requested' },
  approve: { 'zh-CN': '审批同意', en: 'request approved' },
  rejectRequest: { 'zh-CN': '审批不同意', en: 'request rejected' },
  void: { 'zh-CN': '作废', en: 'voided' },
  close: { 'zh-CN': '结案', en: 'closed' },
  evaluate: { 'zh-CN': '考核评价', en: 'evaluated' },
  end: { 'zh-CN': '流程结束', en: 'process ended' },
  terminate: { 'zh-CN': '终止', en: 'terminated' },
  timer: { 'zh-CN': '定时触发', en: 'timer fired' },
  boundary: { 'zh-CN': '边界事件触发', en: 'boundary event' },
  message: { 'zh-CN': '收到消息', en: 'message received' },
  messageIgnored: { 'zh-CN': '消息未处理', en: 'message ignored' },
  throwEscalation: { 'zh-CN': '升级事件', en: 'escalation thrown' },
  incident: { 'zh-CN': '流程异常', en: 'incident' },
  merge: { 'zh-CN': '并案', en: 'merged' },
  withdraw: { 'zh-CN': '撤回', en: 'withdrawn' },
};

export const CHANNEL_WORDS: Words = {
  GRID_APP: { 'zh-CN': '网格员 App', en: 'grid worker app' },
  HOTLINE_12345: { 'zh-CN': '12345 热线', en: '12345 hotline' },
  CITIZEN_APP: { 'zh-CN': '群众 App', en: 'citizen app' },
  SMS: { 'zh-CN': '短信', en: 'SMS' },
  WEB: { 'zh-CN': '网站', en: 'web' },
  PATROL: { 'zh-CN': '巡查', en: 'patrol' },
};

const STATUS_WORDS: Words = {
  ...STATUS_TEXT,
  REPORTED: { 'zh-CN': '已上报', en: 'reported' },
  MERGED: { 'zh-CN': '已并案', en: 'merged' },
};

const word = (words: Words) => (code: string | null | undefined, l: Locale) => (code ? (words[code]?.[l] ?? code) : '');

export const actionWord = word(ACTION_WORDS);
export const tierWord = word(TIER_TEXT);
export const channelWord = word(CHANNEL_WORDS);
export const statusWord = word(STATUS_WORDS);
export const yesNo = (v: boolean, l: Locale) => (l === 'en' ? (v ? 'yes' : 'no') : v ? '是' : '否');
