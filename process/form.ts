/**
 * Validation of task form data against the task's grid:form JSON Schema. Pure and small (it runs
 * inside the case workflow's update validators): the subset of JSON Schema that forms use.
 * The compiler refuses a form that uses any other keyword, so nothing is silently ignored.
 */

export const FORM_KEYWORDS = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'default',
  'examples',
  'format',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'items',
  'minItems',
  'maxItems',
]);

type Schema = Record<string, unknown>;

/** Keywords of the schema (recursively) that the validator does not implement. */
export function unsupportedFormKeywords(schema: Schema, path = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(schema)) {
    if (!FORM_KEYWORDS.has(k)) out.push(`${path}/${k}`);
    if (k === 'properties' && v && typeof v === 'object') {
      for (const [p, s] of Object.entries(v as Record<string, unknown>)) if (s && typeof s === 'object') out.push(...unsupportedFormKeywords(s as Schema, `${path}/properties/${p}`));
    }
    if (k === 'items' && v && typeof v === 'object') out.push(...unsupportedFormKeywords(v as Schema, `${path}/items`));
    if (k === 'additionalProperties' && v && typeof v === 'object') out.push(...unsupportedFormKeywords(v as Schema, `${path}/additionalProperties`));
  }
  return out;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

/** Messages naming each field that breaks the schema (empty when the data conforms). */
export function validateForm(schema: Schema, data: unknown, path = 'data'): string[] {
  const errors: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types.length && !types.some((t) => typeMatches(data, t))) return [`${path} must be ${types.join(' or ')}`];
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(data))) errors.push(`${path} must be one of ${JSON.stringify(schema.enum)}`);
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(data)) errors.push(`${path} must be ${JSON.stringify(schema.const)}`);
  if (typeof data === 'string') {
    const len = [...data].length;
    if (typeof schema.minLength === 'number' && len < schema.minLength) errors.push(`${path} must have at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && len > schema.maxLength) errors.push(`${path} must have at most ${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(schema.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(data)) errors.push(`${path} must match ${schema.pattern}`);
    }
  }
  if (typeof data === 'number') {
    if (typeof schema.minimum === 'number' && data < schema.minimum) errors.push(`${path} must be ≥ ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && data > schema.maximum) errors.push(`${path} must be ≤ ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && data <= schema.exclusiveMinimum) errors.push(`${path} must be > ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && data >= schema.exclusiveMaximum) errors.push(`${path} must be < ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(data)) {
    if (typeof schema.minItems === 'number' && data.length < schema.minItems) errors.push(`${path} must have at least ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && data.length > schema.maxItems) errors.push(`${path} must have at most ${schema.maxItems} items`);
    if (schema.items && typeof schema.items === 'object') data.forEach((item, i) => errors.push(...validateForm(schema.items as Schema, item, `${path}[${i}]`)));
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const obj = data as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!Object.hasOwn(obj, r) || obj[r] === undefined) errors.push(`${path}.${r} is required`);
    for (const [k, v] of Object.entries(obj)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') errors.push(`${path}.${k} is not an allowed field name`);
      else if (Object.hasOwn(props, k)) errors.push(...validateForm(props[k], v, `${path}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${k} is not a field of this form`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...validateForm(schema.additionalProperties as Schema, v, `${path}.${k}`));
    }
  }
  return errors;
}
