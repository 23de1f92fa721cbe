/**
 * The task form (`<grid:form>` in a user task's extensionElements): a JSON Schema limited to the
 * keywords the engine validates (process/form.ts FORM_KEYWORDS), seen as a list of fields by the
 * form editor, summarised in the properties panel, and written through the command stack by
 * writeFormSchema (so undo and redo cover it).
 */
import { toRaw } from 'vue';
import { FORM_KEYWORDS, unsupportedFormKeywords } from '@process/form';
import { isDiagramElement, type DiagramElement, type Modeling, type ModdleElement, type Translate } from './util';

/** Fired by the panel's "Edit form" button: `{ element, schema }` (the schema text, or null when the task has no form). */
export const FORM_EDIT_EVENT = 'grid.form.edit';

export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'array'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const FIELD_TYPE_NAMES: Record<FieldType, string> = {
  string: 'Text',
  number: 'Number',
  integer: 'Whole number',
  boolean: 'Yes / no',
  array: 'List of texts',
};
export const STRING_FORMATS = ['date', 'date-time', 'time', 'email', 'uri'] as const;
export const FORMAT_NAMES: Record<(typeof STRING_FORMATS)[number], string> = {
  date: 'Calendar date',
  'date-time': 'Date and time',
  time: 'Time',
  email: 'E-mail address',
  uri: 'Web address',
};

/** Case variables the engine sets itself: a form field of the same name overwrites them. */
export const BUILT_IN_VARIABLES = ['category', 'categoryMajor', 'severity', 'tier', 'channel', 'outcome', 'reworkCount', 'escalations', 'overdue'];
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN_NAMES = ['__proto__', 'constructor', 'prototype'];

export interface FormField {
  name: string;
  title: string;
  description: string;
  type: FieldType;
  required: boolean;
  /** enum values as typed (texts; numbers for number fields; for lists, the allowed items) */
  options: string[];
  minLength: number | null;
  maxLength: number | null;
  pattern: string;
  format: string;
  minimum: number | null;
  maximum: number | null;
  minItems: number | null;
  maxItems: number | null;
  /** other supported keywords of the field (default, examples, const …), kept as they were */
  extra: Record<string, unknown>;
  /** a field the list editor cannot show (an object, a list of numbers …): kept verbatim, edited in JSON; null otherwise */
  raw: unknown;
}

export interface FormModel {
  fields: FormField[];
  /** top-level keywords besides type, properties and required (title, additionalProperties …) */
  extra: Record<string, unknown>;
  /** required names without a property, kept */
  orphanRequired: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

export function newField(existing: readonly FormField[]): FormField {
  let n = existing.length + 1;
  while (existing.some((f) => f.name === `field${n}`)) n++;
  return {
    name: `field${n}`,
    title: '',
    description: '',
    type: 'string',
    required: false,
    options: [],
    minLength: null,
    maxLength: null,
    pattern: '',
    format: '',
    minimum: null,
    maximum: null,
    minItems: null,
    maxItems: null,
    extra: {},
    raw: null,
  };
}

export type SchemaCheck = { ok: true; schema: Json } | { ok: false; error: string };

/** Parses form schema text and refuses what the engine would: not JSON, not an object, keywords it does not implement. */
export function checkSchemaText(text: string, t: Translate): SchemaCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: t('Not valid JSON: {message}', { message: (e as Error).message }) };
  }
  if (!isObject(parsed)) return { ok: false, error: t('A form schema is a JSON object') };
  const unsupported = unsupportedFormKeywords(parsed);
  if (unsupported.length) return { ok: false, error: t('Keywords the engine does not support: {keywords}. Supported: {supported}', { keywords: unsupported.join(', '), supported: [...FORM_KEYWORDS].join(', ') }) };
  if (parsed.type !== undefined && parsed.type !== 'object') return { ok: false, error: t('A form schema has "type": "object"') };
  if (parsed.properties !== undefined && !isObject(parsed.properties)) return { ok: false, error: t('"properties" must be an object') };
  if (parsed.required !== undefined && !(Array.isArray(parsed.required) && parsed.required.every((r) => typeof r === 'string'))) return { ok: false, error: t('"required" must be a list of field names') };
  return { ok: true, schema: parsed };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const FIELD_KEYS: Record<FieldType, string[]> = {
  string: ['type', 'title', 'description', 'enum', 'minLength', 'maxLength', 'pattern', 'format'],
  number: ['type', 'title', 'description', 'enum', 'minimum', 'maximum'],
  integer: ['type', 'title', 'description', 'enum', 'minimum', 'maximum'],
  boolean: ['type', 'title', 'description'],
  array: ['type', 'title', 'description', 'items', 'minItems', 'maxItems'],
};

function fieldFromSchema(name: string, s: unknown, required: boolean): FormField {
  const field: FormField = { ...newField([]), name, required };
  if (!isObject(s)) return { ...field, raw: s };
  const type = s.type;
  const representable =
    typeof type === 'string' &&
    (FIELD_TYPES as readonly string[]).includes(type) &&
    s.properties === undefined &&
    s.additionalProperties === undefined &&
    (s.title === undefined || typeof s.title === 'string') &&
    (s.description === undefined || typeof s.description === 'string') &&
    (s.pattern === undefined || typeof s.pattern === 'string') &&
    (s.format === undefined || typeof s.format === 'string') &&
    (s.enum === undefined ||
      (Array.isArray(s.enum) && (type === 'string' ? s.enum.every((e) => typeof e === 'string') : (type === 'number' || type === 'integer') && s.enum.every((e) => typeof e === 'number')))) &&
    (type !== 'array' ||
      (isObject(s.items) && s.items.type === 'string' && Object.keys(s.items).every((k) => k === 'type' || k === 'enum') && (s.items.enum === undefined || (Array.isArray(s.items.enum) && s.items.enum.every((e) => typeof e === 'string')))));
  if (!representable) return { ...field, raw: s };
  const t = type as FieldType;
  const items = isObject(s.items) ? s.items : {};
  const enumValues = t === 'array' ? items.enum : s.enum;
  const extra: Json = {};
  for (const [k, v] of Object.entries(s)) if (!FIELD_KEYS[t].includes(k)) extra[k] = v;
  return {
    ...field,
    type: t,
    title: (s.title as string | undefined) ?? '',
    description: (s.description as string | undefined) ?? '',
    options: Array.isArray(enumValues) ? enumValues.map((e) => String(e)) : [],
    minLength: num(s.minLength),
    maxLength: num(s.maxLength),
    pattern: (s.pattern as string | undefined) ?? '',
    format: (s.format as string | undefined) ?? '',
    minimum: num(s.minimum),
    maximum: num(s.maximum),
    minItems: num(s.minItems),
    maxItems: num(s.maxItems),
    extra,
  };
}

/** A checked schema (checkSchemaText) as a list of fields. */
export function modelFromSchema(schema: Json): FormModel {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const extra: Json = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'type' && k !== 'properties' && k !== 'required') extra[k] = v;
  return {
    fields: Object.entries(properties).map(([name, s]) => fieldFromSchema(name, s, required.includes(name))),
    extra,
    orphanRequired: required.filter((r) => !Object.hasOwn(properties, r)),
  };
}

function fieldSchema(f: FormField): unknown {
  if (f.raw !== null) return f.raw;
  const s: Json = { type: f.type };
  if (f.title.trim()) s.title = f.title.trim();
  if (f.description.trim()) s.description = f.description.trim();
  const options = f.options.map((o) => o.trim()).filter(Boolean);
  if (f.type === 'string') {
    if (f.format) s.format = f.format;
    if (options.length) s.enum = options;
    if (f.minLength !== null) s.minLength = f.minLength;
    if (f.maxLength !== null) s.maxLength = f.maxLength;
    if (f.pattern) s.pattern = f.pattern;
  } else if (f.type === 'number' || f.type === 'integer') {
    if (options.length) s.enum = options.map(Number);
    if (f.minimum !== null) s.minimum = f.minimum;
    if (f.maximum !== null) s.maximum = f.maximum;
  } else if (f.type === 'array') {
    s.items = options.length ? { type: 'string', enum: options } : { type: 'string' };
    if (f.minItems !== null) s.minItems = f.minItems;
    if (f.maxItems !== null) s.maxItems = f.maxItems;
  }
  for (const [k, v] of Object.entries(f.extra)) if (!(k in s)) s[k] = v;
  return s;
}

export function schemaFromModel(model: FormModel): Json {
  const required = [...model.fields.filter((f) => f.required).map((f) => f.name), ...model.orphanRequired];
  const schema: Json = { type: 'object', ...model.extra };
  if (required.length) schema.required = required;
  schema.properties = Object.fromEntries(model.fields.map((f) => [f.name, fieldSchema(f)]));
  return schema;
}

/** What stops the fields from being saved, one message each. */
export function modelProblems(model: FormModel, t: Translate): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  model.fields.forEach((f, i) => {
    const label = f.name || `#${i + 1}`;
    if (!f.name) problems.push(t('Field {n} has no name', { n: i + 1 }));
    else if (!FIELD_NAME.test(f.name) || FORBIDDEN_NAMES.includes(f.name)) problems.push(t('Field name "{name}": letters, digits and _, not starting with a digit', { name: f.name }));
    else if (seen.has(f.name)) problems.push(t('Two fields are named "{name}"', { name: f.name }));
    seen.add(f.name);
    if (f.raw !== null) return;
    const pairs: [number | null, number | null][] = [
      [f.minLength, f.maxLength],
      [f.minimum, f.maximum],
      [f.minItems, f.maxItems],
    ];
    if (pairs.some(([lo, hi]) => lo !== null && hi !== null && lo > hi)) problems.push(t('{field}: the minimum is larger than the maximum', { field: label }));
    if ([f.minLength, f.maxLength, f.minItems, f.maxItems].some((v) => v !== null && (!Number.isInteger(v) || v < 0))) problems.push(t('{field}: lengths and counts are whole numbers, 0 or more', { field: label }));
    if (f.type === 'string' && f.pattern) {
      try {
        new RegExp(f.pattern, 'u');
      } catch {
        problems.push(t('{field}: the pattern is not a valid regular expression', { field: label }));
      }
    }
    const options = f.options.map((o) => o.trim()).filter(Boolean);
    if (new Set(options).size !== options.length) problems.push(t('{field}: an option is listed twice', { field: label }));
    if (f.type === 'number' || f.type === 'integer') {
      for (const o of options) {
        const v = Number(o);
        if (!Number.isFinite(v)) problems.push(t('{field}: option "{value}" is not a number', { field: label, value: o }));
        else if (f.type === 'integer' && !Number.isInteger(v)) problems.push(t('{field}: option "{value}" is not a whole number', { field: label, value: o }));
      }
    }
  });
  return problems;
}

/** Things worth knowing that do not stop a save. */
export function modelWarnings(model: FormModel, t: Translate): string[] {
  return model.fields.filter((f) => BUILT_IN_VARIABLES.includes(f.name)).map((f) => t('Field "{name}" overwrites the case variable of the same name', { name: f.name }));
}

/** The `<grid:form>` elements of a business object (more than one is an error the compiler reports). */
export function formElements(bo: ModdleElement): ModdleElement[] {
  const ext = bo.get('extensionElements') as ModdleElement | undefined;
  const values = (ext?.get('values') as ModdleElement[] | undefined) ?? [];
  return values.filter((v) => v.$instanceOf('grid:Form'));
}

/** The element's form schema text, or null when it has no form. */
export function readFormSchema(element: DiagramElement): string | null {
  const form = formElements(element.businessObject)[0];
  const text = form?.get('schema');
  return typeof text === 'string' && text.trim() ? text : null;
}

/** One line about the form's fields ("2 fields: 处置反馈*, 现场照片"). */
export function summarizeForm(text: string | null, t: Translate): { text: string; error: boolean } {
  if (text === null) return { text: t('No form: the task completes with an outcome only'), error: false };
  const check = checkSchemaText(text, t);
  if (!check.ok) return { text: check.error, error: true };
  const model = modelFromSchema(check.schema);
  if (!model.fields.length) return { text: t('The form has no fields'), error: false };
  const names = model.fields.map((f) => `${f.title || f.name}${f.required ? '*' : ''}`);
  return { text: t('{count} fields: {names}', { count: names.length, names: names.join(t(', ')) }), error: false };
}

function resolveModeling(services: unknown): Modeling {
  const has = (o: unknown, k: string) => !!o && (typeof o === 'object' || typeof o === 'function') && typeof (o as Record<string, unknown>)[k] === 'function';
  if (has(services, 'updateModdleProperties')) return services as Modeling;
  if (has(services, 'get')) return resolveModeling((services as { get(name: string): unknown }).get('modeling'));
  if (typeof services === 'function') return resolveModeling((services as (name: string) => unknown)('modeling'));
  throw new TypeError('writeFormSchema: pass the modeler, its injector or its modeling service');
}

/**
 * Creates, updates or removes the task's `<grid:form>` (null or blank text removes it, and the
 * extensionElements with it when nothing else is in there). One command on the command stack,
 * so a single undo reverts it. Throws when the text is not a form schema the engine accepts.
 *
 * @param services the modeler, its injector (anything with `get('modeling')`), or `modeling`
 * @param shape the user task's diagram element (as in the `grid.form.edit` event; a Vue proxy of it is unwrapped)
 */
export function writeFormSchema(services: unknown, shape: unknown, schema: string | null): void {
  const modeling = resolveModeling(toRaw(services));
  // a page may have kept the element in reactive state: bpmn-js must get the element itself, not a Vue proxy
  const element = toRaw(shape);
  if (!isDiagramElement(element)) throw new TypeError('writeFormSchema: element is not a diagram element');
  const text = schema?.trim() ? schema.trim() : null;
  if (text !== null) {
    const check = checkSchemaText(text, (s, r) => s.replace(/{([^}]+)}/g, (_m, k: string) => String(r?.[k] ?? '')));
    if (!check.ok) throw new Error(check.error);
  }
  const bo = element.businessObject;
  const ext = bo.get('extensionElements') as ModdleElement | undefined;
  const values = (ext?.get('values') as ModdleElement[] | undefined) ?? [];
  const forms = values.filter((v) => v.$instanceOf('grid:Form'));
  const others = values.filter((v) => !forms.includes(v));
  if (text === null) {
    if (!forms.length || !ext) return;
    if (others.length) modeling.updateModdleProperties(element, ext, { values: others });
    else modeling.updateModdleProperties(element, bo, { extensionElements: undefined });
    return;
  }
  if (forms.length === 1) {
    if (forms[0].get('schema') !== text) modeling.updateModdleProperties(element, forms[0], { schema: text });
    return;
  }
  const form = bo.$model.create('grid:Form', { schema: text });
  if (ext) {
    form.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [...others, form] });
    return;
  }
  const created = bo.$model.create('bpmn:ExtensionElements', { values: [form] });
  form.$parent = created;
  created.$parent = bo;
  modeling.updateModdleProperties(element, bo, { extensionElements: created });
}
