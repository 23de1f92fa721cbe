/**
 * BPMN 2.0 XML → ProcessModel. Checks the text before parsing (checkDiagramSource), parses it with
 * bpmn-moddle and the grid: extension, compiles the tree (compileDefinitions,
 * process/lint-plugin/compile.ts) and lints it with the one lint configuration
 * (process/lint-config.ts: bpmnlint's recommended rules plus GridCase's plugin), the same rules
 * with the same settings as the designer's live lint. Pure: no Node built-ins.
 *
 * Unreadable input (not XML, not BPMN) throws UnreadableDiagramError; every other problem is
 * reported as a CompileIssue, never thrown and never skipped.
 */
// The declarations of bpmnlint's modules travel with this module, for the designer's type checks too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./lint-plugin/bpmnlint.d.ts" />
import { BpmnModdle } from 'bpmn-moddle';
import { Linter } from 'bpmnlint';
import type { Config } from 'bpmnlint/lib/types';
import gridDescriptor from '../schema/grid-moddle.json';
import { config, resolver } from './lint-config';
import { withCompiled } from './lint-plugin/cache';
import { compileDefinitions, dedupe, elementTypes, PLUGIN, type CompileIssue } from './lint-plugin/compile';
import type { ProcessModel } from './model';

export { compileDefinitions, elementTypes, GRIDCASE_RULES, type CompileIssue, type CompiledDefinitions } from './lint-plugin/compile';

export type CompileResult =
  | { ok: true; model: ProcessModel; warnings: CompileIssue[] }
  | { ok: false; errors: CompileIssue[]; warnings: CompileIssue[] };

/**
 * Why a diagram was refused before it was parsed: `too-large` (over MAX_DIAGRAM_BYTES), `dtd` (a
 * DOCTYPE or entity declaration), `characters` (characters XML cannot carry), `too-deep` (elements
 * nested deeper than MAX_DIAGRAM_DEPTH); otherwise unset.
 */
export type DiagramRefusal = 'too-large' | 'dtd' | 'characters' | 'too-deep';

export class UnreadableDiagramError extends Error {
  override name = 'UnreadableDiagramError';
  constructor(
    message: string,
    readonly refusal?: DiagramRefusal,
  ) {
    super(message);
  }
}

/** Largest diagram accepted (bytes of XML, UTF-8): the reference processes are about 25 kB. */
export const MAX_DIAGRAM_BYTES = 2 * 1024 * 1024;

/**
 * Deepest nesting of XML elements accepted: the reference processes need 6; the compiler and the
 * linter walk sub-processes recursively, and a few thousand levels (a few hundred kB) would
 * exhaust the stack.
 */
export const MAX_DIAGRAM_DEPTH = 64;

/**
 * Bytes of `text` in UTF-8 (as Buffer.byteLength counts them: an unpaired surrogate is the 3-byte
 * replacement character), without Buffer, so this module also runs in a browser.
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 UTF-16 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Characters XML 1.0 cannot carry: C0 controls but tab, LF, CR; unpaired surrogates; U+FFFE/U+FFFF. */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The checks made before any parsing, shared by the API and the CLI: the size, then no DOCTYPE
 * and no entity declaration anywhere (no external entities, no entity expansion: the parser never
 * sees one), then only characters XML can carry, then the nesting of elements. Throws
 * UnreadableDiagramError with the refusal.
 */
export function checkDiagramSource(xml: string): void {
  if (utf8ByteLength(xml) > MAX_DIAGRAM_BYTES) throw new UnreadableDiagramError(`the diagram is larger than ${MAX_DIAGRAM_BYTES} bytes`, 'too-large');
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) throw new UnreadableDiagramError('BPMN documents must not declare a DOCTYPE or entities', 'dtd');
  if (NOT_XML_CHARS.test(xml)) throw new UnreadableDiagramError('the diagram holds characters XML cannot carry (control characters, unpaired surrogates)', 'characters');
  if (elementDepth(xml, MAX_DIAGRAM_DEPTH) > MAX_DIAGRAM_DEPTH) throw new UnreadableDiagramError(`the diagram nests elements deeper than ${MAX_DIAGRAM_DEPTH} levels`, 'too-deep');
}

/**
 * How deep the elements nest (at most until past `limit`): one linear scan, skipping comments,
 * CDATA, processing instructions, declarations and quoted attribute values.
 */
function elementDepth(xml: string, limit: number): number {
  let depth = 0;
  let max = 0;
  for (let i = xml.indexOf('<'); i >= 0 && max <= limit; i = xml.indexOf('<', i)) {
    const skip = xml.startsWith('<!--', i) ? '-->' : xml.startsWith('<![CDATA[', i) ? ']]>' : xml[i + 1] === '?' || xml[i + 1] === '!' ? '>' : null;
    if (skip) {
      const end = xml.indexOf(skip, i + 2);
      if (end < 0) break;
      i = end + skip.length;
      continue;
    }
    let j = i + 1;
    for (let quote = ''; j < xml.length; j++) {
      const c = xml[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    if (j >= xml.length) break;
    if (xml[i + 1] === '/') depth--;
    else if (xml[j - 1] !== '/') max = Math.max(max, ++depth);
    i = j + 1;
  }
  return max;
}

// moddle elements are loosely typed objects
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Moddle = any;

export function createModdle(): Moddle {
  return new BpmnModdle({ grid: gridDescriptor });
}

/** Parses BPMN XML into moddle definitions; throws UnreadableDiagramError when it is not BPMN. */
export async function parseBpmn(xml: string): Promise<{ definitions: Moddle; warnings: string[] }> {
  if (typeof xml !== 'string' || !xml.trim()) throw new UnreadableDiagramError('the input is empty');
  checkDiagramSource(xml);
  if (!/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*</.test(xml)) throw new UnreadableDiagramError('the input is not XML');
  let result: Moddle;
  try {
    result = await createModdle().fromXML(xml, 'bpmn:Definitions');
  } catch (e) {
    throw new UnreadableDiagramError(`not a BPMN 2.0 document: ${(e as Error).message.split('\n')[0]}`);
  }
  const definitions = result.rootElement;
  if (!definitions || definitions.$type !== 'bpmn:Definitions') throw new UnreadableDiagramError('not a BPMN 2.0 document: no bpmn:definitions root');
  return { definitions, warnings: (result.warnings ?? []).map((w: Error) => w.message) };
}

/** The shared configuration without bpmnlint's own rules: GridCase's rules only (`bpmnlint: false`). */
const GRIDCASE_ONLY: Config = {
  extends: config.extends.filter((name) => name.startsWith(`plugin:${PLUGIN}/`)),
  rules: Object.fromEntries(Object.entries(config.rules).filter(([name]) => name.startsWith(`${PLUGIN}/`))),
};

/**
 * Compiles and lints. `bpmnlint: false` leaves out bpmnlint's recommended rules (GridCase's own
 * rules still run): for measuring, and for tests about the compiler alone.
 */
export async function compileBpmn(xml: string, opts: { bpmnlint?: boolean } = {}): Promise<CompileResult> {
  const { definitions, warnings: parseWarnings } = await parseBpmn(xml);
  const issues: CompileIssue[] = parseWarnings.map((message) => ({
    element: definitions.id ?? 'definitions',
    type: 'bpmn:Definitions',
    message: `parse: ${message}`,
    severity: 'warning' as const,
    rule: 'parse',
  }));
  const compiled = compileDefinitions(definitions);
  // A new Linter per diagram: some bpmnlint rules (no-duplicate-sequence-flows) keep state in the
  // rule instance, so a shared linter reports flows of an earlier diagram as duplicates.
  const linter = new Linter({ config, resolver });
  const reports = await withCompiled(definitions, compiled, () => linter.lint(definitions, opts.bpmnlint === false ? GRIDCASE_ONLY : config));
  const types = elementTypes(definitions);
  const linted: CompileIssue[] = [];
  for (const [name, list] of Object.entries(reports)) {
    const rule = name.includes('/') ? name : `bpmnlint/${name}`;
    for (const r of list) {
      if (r.category !== 'error' && r.category !== 'warn') continue;
      const element = r.id ?? definitions.id ?? 'definitions';
      const type = typeof r.elementType === 'string' ? r.elementType : (types.get(element) ?? 'bpmn:BaseElement');
      linted.push({ element, type, message: r.message, severity: r.category === 'error' ? 'error' : 'warning', rule });
    }
  }
  // GridCase's issues first, in the order the compiler found them, then bpmnlint's.
  const order = new Map(compiled.issues.map((i, n) => [issueKey(i), n]));
  const rank = (i: CompileIssue) => order.get(issueKey(i)) ?? compiled.issues.length;
  issues.push(...linted.map((issue, n) => ({ issue, n })).sort((a, b) => rank(a.issue) - rank(b.issue) || a.n - b.n).map(({ issue }) => issue));
  const errors = dedupe(issues.filter((i) => i.severity === 'error'));
  const warnings = dedupe(issues.filter((i) => i.severity === 'warning'));
  const model = compiled.model;
  if (errors.length || !model) return { ok: false, errors, warnings };
  return { ok: true, model, warnings };
}

const issueKey = (i: CompileIssue) => `${i.element}|${i.rule}|${i.message}`;
