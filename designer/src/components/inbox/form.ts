/**
 * A task's completion form (its `formSchema`: JSON Schema limited to the keywords the engine
 * validates, process/form.ts) as fields the panel renders with Element Plus controls, and the
 * engine's own check (validateForm) run in the browser before sending, its messages put on
 * their fields in the console's language. The server runs the same check again; its refusals
 * (422, `body.data.<field>`) land on the same fields.
 */
import { validateForm } from '@process/form';
import { ApiError, problemText, type Problem } from '../../api/client';

type Json = Record<string, unknown>;
export type Translate = (key: string, values?: Record<string, unknown>) => string;

export type FieldKind = 'text' | 'textarea' | 'number' | 'integer' | 'select' | 'multiselect' | 'tags' | 'photos' | 'boolean' | 'date' | 'datetime' | 'time' | 'unsupported';

export interface FormFieldView {
  name: string;
  label: string;
  description: string;
  required: boolean;
  kind: FieldKind;
  options: (string | number)[];
  min?: number;
  max?: number;
  maxLength?: number;
  schema: Json;
}

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const typesOf = (s: Json): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]);

/** Photos fields hold attachment ids of the case: `photos`, or a list titled …照片 / …photo…. */
function isPhotos(name: string, s: Json): boolean {
  const title = typeof s.title === 'string' ? s.title : '';
  return name === 'photos' || /照片|图片|photo/i.test(title);
}

function kindOf(name: string, s: Json): FieldKind {
  const types = typesOf(s).filter((t) => t !== 'null');
  const type = types[0] ?? (Array.isArray(s.enum) ? typeof (s.enum as unknown[])[0] : 'string');
  if (Array.isArray(s.enum) && type !== 'array') return 'select';
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'array': {
      const items = isObject(s.items) ? s.items : {};
      if (Array.isArray(items.enum)) return 'multiselect';
      if (typesOf(items).some((t) => t !== 'string')) return 'unsupported';
      return isPhotos(name, s) ? 'photos' : 'tags';
    }
    case 'string':
      if (s.format === 'date') return 'date';
      if (s.format === 'date-time') return 'datetime';
      if (s.format === 'time') return 'time';
      return typeof s.maxLength === 'number' && s.maxLength <= 100 ? 'text' : 'textarea';
    default:
      return 'unsupported';
  }
}

/** The form's fields in the schema's order. */
export function fieldsOf(schema: unknown): FormFieldView[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return Object.entries(schema.properties)
    .filter(([, s]) => isObject(s))
    .map(([name, raw]) => {
      const s = raw as Json;
      const kind = kindOf(name, s);
      const items = isObject(s.items) ? s.items : {};
      return {
        name,
        label: typeof s.title === 'string' && s.title.trim() ? s.title : name,
        description: typeof s.description === 'string' ? s.description : '',
        required: required.includes(name),
        kind,
        options: (kind === 'multiselect' ? (items.enum as (string | number)[]) : Array.isArray(s.enum) ? (s.enum as (string | number)[]) : []) ?? [],
        min: typeof s.minimum === 'number' ? s.minimum : undefined,
        max: typeof s.maximum === 'number' ? s.maximum : undefined,
        maxLength: typeof s.maxLength === 'number' ? s.maxLength : undefined,
        schema: s,
      };
    });
}

/** The values as the task takes them: empty controls leave their field out. */
export function formData(fields: FormFieldView[], values: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const f of fields) {
    let v = values[f.name];
    if (typeof v === 'string' && f.kind !== 'textarea') v = v.trim();
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    if (f.kind === 'boolean' && v !== true && v !== false) continue;
    data[f.name] = v;
  }
  return data;
}

/**
 * One engine message (`data.feedback is required`, `data.n must be ≥ 3` …, process/form.ts) as
 * the field it names and the words to show; `label` names the field in "required".
 */
export function messageOf(message: string, t: Translate, labelOf: (field: string) => string): { field: string; text: string } {
  const m = message.match(/^data(?:\.([A-Za-z_$][\w$]*))?(?:\.[\w$.]+|\[\d+\])*\s+(.+)$/s);
  const field = m?.[1] ?? '';
  const rest = m?.[2] ?? message;
  const label = labelOf(field);
  const num = (re: RegExp) => rest.match(re)?.[1];
  let text: string;
  if (/^is required$/.test(rest)) text = t('inbox.form.required', { label });
  else if (num(/^must have at least (\d+) characters$/)) text = t('inbox.form.minLength', { n: num(/(\d+)/) });
  else if (num(/^must have at most (\d+) characters$/)) text = t('inbox.form.maxLength', { n: num(/(\d+)/) });
  else if (num(/^must have at least (\d+) items$/)) text = t('inbox.form.minItems', { n: num(/(\d+)/) });
  else if (num(/^must have at most (\d+) items$/)) text = t('inbox.form.maxItems', { n: num(/(\d+)/) });
  else if (/^must match /.test(rest)) text = t('inbox.form.pattern');
  else if (num(/^must be ≥ (.+)$/)) text = t('inbox.form.min', { n: num(/^must be ≥ (.+)$/) });
  else if (num(/^must be ≤ (.+)$/)) text = t('inbox.form.max', { n: num(/^must be ≤ (.+)$/) });
  else if (num(/^must be > (.+)$/)) text = t('inbox.form.gtMin', { n: num(/^must be > (.+)$/) });
  else if (num(/^must be < (.+)$/)) text = t('inbox.form.ltMax', { n: num(/^must be < (.+)$/) });
  else if (/^must be one of /.test(rest)) text = t('inbox.form.enum');
  else if (/^is not a field of this form$/.test(rest)) text = t('inbox.form.unknown');
  else if (/^must be /.test(rest)) text = t('inbox.form.type');
  else text = rest;
  return { field, text };
}

/** The engine's check of the form, as messages by field ('' for the form as a whole). */
export function checkForm(schema: unknown, data: Record<string, unknown>, t: Translate, labelOf: (field: string) => string): Record<string, string> {
  if (!isObject(schema)) return {};
  const out: Record<string, string> = {};
  for (const message of validateForm(schema, data)) {
    const { field, text } = messageOf(message, t, labelOf);
    if (!out[field]) out[field] = text;
  }
  return out;
}

/**
 * A refused completion's messages by field: a form the engine refused field by field (422
 * FORM_INVALID with `errors` [{ field: 'body.data.<name>', message }]), one field named by
 * `field` (body.data.<name>, body.outcome: under '#outcome'), or the whole form ('').
 */
export function serverFieldErrors(e: unknown, t: Translate, labelOf: (field: string) => string): Record<string, string> {
  if (!(e instanceof ApiError)) return { '': problemText(e) };
  const p = e.problem as Problem & { errors?: unknown };
  const listed = Array.isArray(p.errors) ? (p.errors as { field?: unknown; message?: unknown }[]).filter((x) => typeof x?.field === 'string' && typeof x?.message === 'string' && x.field.startsWith('body.data')) : [];
  const out: Record<string, string> = {};
  if (p.code === 'FORM_INVALID' && listed.length) {
    for (const x of listed) {
      const { field, text } = messageOf(`${(x.field as string).slice('body.'.length)} ${x.message as string}`, t, labelOf);
      out[field] = out[field] ? `${out[field]}；${text}` : text;
    }
    return out;
  }
  const detail = p.detail ?? p.title ?? e.message;
  const m = p.field?.match(/^body\.(?:data\.([^.[\]]+)|(outcome))/);
  out[m ? (m[1] ?? '#outcome') : ''] = detail;
  return out;
}
