/**
 * Users read Chinese: messages default to zh-CN; `Accept-Language: en` (or `?lang=en`) selects
 * English. Each message has one key and both texts here.
 */
import type { Request } from 'express';

export type Locale = 'zh-CN' | 'en';

const messages = {
  'not-found.title': { 'zh-CN': '未找到', en: 'Not Found' },
  'not-found.detail': { 'zh-CN': '没有 {method} {path} 这个接口', en: 'no route for {method} {path}' },
  'malformed-json.title': { 'zh-CN': 'JSON 格式错误', en: 'Malformed JSON' },
  'malformed-json.detail': { 'zh-CN': '请求体不是合法的 JSON', en: 'the request body is not valid JSON' },
  'too-large.title': { 'zh-CN': '请求体过大', en: 'Payload Too Large' },
  'too-large.detail': { 'zh-CN': '请求体超过 {limit} 字节', en: 'the request body exceeds {limit} bytes' },
  'too-many-fields.detail': { 'zh-CN': '表单字段过多', en: 'the form has too many fields' },
  'unsupported-charset.detail': { 'zh-CN': '不支持字符集 {charset}：请求体须为 UTF-8 编码', en: 'the charset {charset} is not supported: send the body in UTF-8' },
  'unsupported-encoding.detail': { 'zh-CN': '不支持内容编码 {encoding}：请用 gzip、deflate、br 或不压缩', en: 'the content encoding {encoding} is not supported: use gzip, deflate, br or none' },
  'invalid-utf8.detail': { 'zh-CN': '请求体不是合法的 UTF-8 编码', en: 'the request body is not valid UTF-8' },
  'unreadable-body.detail': { 'zh-CN': '请求体无法读取：编码、压缩、长度或结构有误', en: 'the request body cannot be read: its encoding, compression, length or structure is wrong' },
  'bad-path.detail': { 'zh-CN': '路径中的百分号编码无效', en: 'the path is not valid percent-encoding' },
  'unsupported-media.title': { 'zh-CN': '不支持的媒体类型', en: 'Unsupported Media Type' },
  'bad-request.title': { 'zh-CN': '请求有误', en: 'Bad Request' },
  'unauthorized.title': { 'zh-CN': '未登录或登录已过期', en: 'Unauthorized' },
  'forbidden.title': { 'zh-CN': '无权操作', en: 'Forbidden' },
  'conflict.title': { 'zh-CN': '操作冲突', en: 'Conflict' },
  'precondition-failed.title': { 'zh-CN': '前提条件不满足', en: 'Precondition Failed' },
  'unprocessable.title': { 'zh-CN': '内容无法处理', en: 'Unprocessable Content' },
  'rate-limited.title': { 'zh-CN': '请求过于频繁', en: 'Too Many Requests' },
  'validation.detail': { 'zh-CN': '请求内容不符合要求：{fields}', en: 'the request is invalid: {fields}' },
  'case-not-running.detail': { 'zh-CN': '该案件的流程已结束或不存在', en: 'the case workflow has ended or does not exist' },
  'record-not-found.detail': { 'zh-CN': '记录不存在', en: 'the record does not exist' },
  'duplicate.detail': { 'zh-CN': '已存在相同的记录', en: 'a record with the same key already exists' },
  'in-use.detail': { 'zh-CN': '该记录正在被使用，不能删除或修改', en: 'the record is in use and cannot be deleted or changed' },
  'unsupported-media.detail': { 'zh-CN': '不支持的内容类型 {type}，请发送 application/json', en: 'content type {type} is not supported: send application/json' },
  'internal.title': { 'zh-CN': '服务器内部错误', en: 'Internal Server Error' },
  'internal.detail': { 'zh-CN': '服务器处理请求时出错', en: 'the server failed to handle the request' },
  'unavailable.title': { 'zh-CN': '服务不可用', en: 'Service Unavailable' },
  'unavailable.detail': { 'zh-CN': '依赖的服务不可用：{down}', en: 'a dependency is down: {down}' },
} as const satisfies Record<string, Record<Locale, string>>;

export type MessageKey = keyof typeof messages;

export function localeOf(req: Request): Locale {
  const q = typeof req.query?.lang === 'string' ? req.query.lang : undefined;
  if (q) return q.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
  const best = req.acceptsLanguages('zh-CN', 'zh', 'en');
  return best === 'en' ? 'en' : 'zh-CN';
}

export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return messages[key][locale].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
