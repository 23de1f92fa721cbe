/**
 * The words for case statuses and tiers, in Chinese and English, that both the public's view of a
 * case (./citizen.ts) and the export's words (./case-words.ts) show.
 */

export type Status = 'REPORTED' | 'ACCEPTED' | 'REJECTED' | 'REGISTERED' | 'DISPATCHED' | 'IN_PROGRESS' | 'AWAITING_VERIFICATION' | 'CLOSED' | 'VOIDED' | 'WITHDRAWN' | 'MERGED';

/** Status words for a status without a label from the model, and in English. */
export const STATUS_TEXT: Record<Status, { 'zh-CN': string; en: string }> = {
  REPORTED: { 'zh-CN': '已上报', en: 'reported, awaiting acceptance' },
  ACCEPTED: { 'zh-CN': '已受理', en: 'accepted' },
  REJECTED: { 'zh-CN': '不予受理', en: 'not accepted' },
  REGISTERED: { 'zh-CN': '已立案', en: 'registered' },
  DISPATCHED: { 'zh-CN': '已派遣', en: 'dispatched' },
  IN_PROGRESS: { 'zh-CN': '处置中', en: 'being handled' },
  AWAITING_VERIFICATION: { 'zh-CN': '待核查', en: 'awaiting verification' },
  CLOSED: { 'zh-CN': '已结案', en: 'closed' },
  VOIDED: { 'zh-CN': '已作废', en: 'voided' },
  WITHDRAWN: { 'zh-CN': '已撤回', en: 'withdrawn' },
  MERGED: { 'zh-CN': '已并案', en: 'merged into an earlier report' },
};

export const TIER_TEXT: Record<string, { 'zh-CN': string; en: string }> = {
  GRID: { 'zh-CN': '网格', en: 'grid' },
  VILLAGE: { 'zh-CN': '社区（村）', en: 'community (village)' },
  TOWNSHIP: { 'zh-CN': '街道（乡镇）', en: 'street (township)' },
  DISTRICT: { 'zh-CN': '区', en: 'district' },
  CITY: { 'zh-CN': '市', en: 'city' },
};
