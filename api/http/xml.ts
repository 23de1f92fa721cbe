/**
 * A tiny XML writer for the Open311 responses (schemaless, no namespace, UTF-8, as GeoReport v2
 * asks). Values map to elements the way the Spark convention maps JSON to XML: an object's keys
 * become child elements in order, an array becomes one child per item named by `itemNames`
 * (services → service …), null and undefined become an empty element (`<account_id/>`).
 */

export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue };

/** Characters XML 1.0 cannot carry at all (control characters but tab, LF, CR; lone surrogates; U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(s: string): string {
  return s.replace(INVALID, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

function element(name: string, value: XmlValue, itemNames: Record<string, string>, indent: string): string {
  if (!NAME.test(name)) throw new Error(`not an XML element name: ${name}`);
  if (value === null || value === undefined) return `${indent}<${name}/>\n`;
  if (Array.isArray(value)) {
    const item = itemNames[name];
    if (!item) throw new Error(`no item element name for the list ${name}`);
    if (!value.length) return `${indent}<${name}/>\n`;
    return `${indent}<${name}>\n${value.map((v) => element(item, v, itemNames, `${indent}  `)).join('')}${indent}</${name}>\n`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return `${indent}<${name}/>\n`;
    return `${indent}<${name}>\n${entries.map(([k, v]) => element(k, v, itemNames, `${indent}  `)).join('')}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
}

/** A whole document: the XML declaration, then `root` holding `value`. */
export function xmlDocument(root: string, value: XmlValue, itemNames: Record<string, string> = {}): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, itemNames, '')}`;
}
