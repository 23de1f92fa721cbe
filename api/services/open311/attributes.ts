/**
 * The attributes (extra form fields) of an Open311 service, and the check of submitted values.
 *
 * Why a small fixed set per process rather than the process model's forms: the `grid:form` JSON
 * Schemas in diagrams/*.bpmn describe what *handlers* record on their tasks (处置反馈, 现场照片,
 * 第几次调解 …), not what a citizen can tell at report time, so deriving citizen questions from
 * them would ask the public to fill in the handler's feedback. What a report can usefully add
 * depends on the kind of matter, which is what the category's process stands for, so each
 * process gets a few questions:
 *   - every process but mediation: `severity` (一般/较重/紧急), which becomes the case's
 *     `severity` (the process conditions and the inbox order read it);
 *   - dual-dispatch (pollution): `ongoing`, whether the nuisance still goes on;
 *   - emergency: `casualties` (required: the centre must know whether people are hurt);
 *   - dispute-mediation: `parties`, how many people are involved.
 * Everything but severity is kept as it came in `vars.open311.attributes` of the case.
 */
import { DomainError, type LocalText, text } from '../errors';
import type { Locale } from '../../i18n';

export type Datatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

interface AttributeDef {
  code: string;
  datatype: Datatype;
  required: boolean;
  description: LocalText;
  datatypeDescription: LocalText | null;
  values?: { key: string; name: LocalText }[];
  /** for numbers */
  min?: number;
  max?: number;
}

/** One attribute as GeoReport v2's service definition lists it. */
export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: Datatype;
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

const SEVERITY: AttributeDef = {
  code: 'severity',
  datatype: 'singlevaluelist',
  required: false,
  description: text('严重程度', 'How serious is it?'),
  datatypeDescription: text('不填按“一般”处理', 'ordinary when not given'),
  values: [
    { key: '0', name: text('一般', 'ordinary') },
    { key: '1', name: text('较重：影响通行或生活', 'serious: it hinders passers-by or daily life') },
    { key: '2', name: text('紧急：危及人身安全', 'urgent: people are in danger') },
  ],
};

const ONGOING: AttributeDef = {
  code: 'ongoing',
  datatype: 'singlevaluelist',
  required: false,
  description: text('污染或扰民现在是否仍在持续？', 'Is the pollution or nuisance still going on?'),
  datatypeDescription: null,
  values: [
    { key: 'yes', name: text('仍在持续', 'yes, still going on') },
    { key: 'no', name: text('已经停止', 'no, it has stopped') },
  ],
};

const CASUALTIES: AttributeDef = {
  code: 'casualties',
  datatype: 'singlevaluelist',
  required: true,
  description: text('是否有人员受伤或被困？', 'Is anyone hurt or trapped?'),
  datatypeDescription: text('有人员伤亡请同时拨打 110/119/120', 'if people are hurt, also call 110/119/120'),
  values: [
    { key: 'none', name: text('没有', 'no') },
    { key: 'unknown', name: text('不清楚', 'not known') },
    { key: 'yes', name: text('有', 'yes') },
  ],
};

const PARTIES: AttributeDef = {
  code: 'parties',
  datatype: 'number',
  required: false,
  description: text('涉及多少当事人？', 'How many people are involved?'),
  datatypeDescription: text('整数，1-999', 'a whole number, 1-999'),
  min: 1,
  max: 999,
};

const BY_PROCESS: Record<string, AttributeDef[]> = {
  'standard-closed-loop': [SEVERITY],
  'dual-dispatch': [SEVERITY, ONGOING],
  emergency: [CASUALTIES, SEVERITY],
  'dispute-mediation': [PARTIES],
};

/** The attribute definitions of a category's process (a process drawn later gets severity). */
export function attributeDefs(processKey: string | null): AttributeDef[] {
  return BY_PROCESS[processKey ?? ''] ?? [SEVERITY];
}

export function renderAttributes(defs: AttributeDef[], l: Locale): Open311Attribute[] {
  return defs.map((d, i) => ({
    variable: true,
    code: d.code,
    datatype: d.datatype,
    required: d.required,
    datatype_description: d.datatypeDescription?.[l] ?? null,
    order: i + 1,
    description: d.description[l],
    ...(d.values ? { values: d.values.map((v) => ({ key: v.key, name: v.name[l] })) } : {}),
  }));
}

export interface CheckedAttributes {
  severity: number | undefined;
  /** the submitted attributes, as given (lists as arrays) */
  values: Record<string, string | string[]>;
}

/**
 * Checks `attribute[code]=value` pairs against the definitions: unknown codes, missing required
 * ones and values outside a list are all reported at once (400, each naming `attribute[code]`).
 */
export function checkAttributes(defs: AttributeDef[], submitted: Record<string, string | string[]> | undefined): CheckedAttributes {
  const given = submitted ?? {};
  const errors: { field: string; message: LocalText }[] = [];
  const values: Record<string, string | string[]> = {};
  const blank = (v: string | string[]) => (Array.isArray(v) ? v : [v]).every((x) => String(x).trim() === '');
  for (const [code, v] of Object.entries(given)) {
    // an empty value counts as not sent (the spec's optional arguments)
    if (!defs.some((d) => d.code === code) && !blank(v)) errors.push({ field: `attribute[${code}]`, message: text('该服务没有这个属性', 'is not an attribute of this service') });
  }
  for (const d of defs) {
    const raw = given[d.code];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter((v) => v !== '');
    const field = `attribute[${d.code}]`;
    if (!list.length) {
      if (d.required) errors.push({ field, message: text('必须填写', 'is required') });
      continue;
    }
    if (d.datatype !== 'multivaluelist' && list.length > 1) {
      errors.push({ field, message: text('只能有一个值', 'takes one value') });
      continue;
    }
    if (d.values) {
      const bad = list.filter((v) => !d.values!.some((x) => x.key === v));
      if (bad.length) {
        errors.push({ field, message: text(`取值须为 ${d.values.map((x) => x.key).join('、')} 之一`, `must be one of ${d.values.map((x) => x.key).join(', ')}`) });
        continue;
      }
    }
    if (d.datatype === 'number') {
      const n = Number(list[0]);
      if (!/^-?\d+(\.\d+)?$/.test(list[0]) || (d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)) {
        errors.push({ field, message: text(`须为 ${d.min ?? ''}-${d.max ?? ''} 的数字`, `must be a number from ${d.min ?? ''} to ${d.max ?? ''}`) });
        continue;
      }
    }
    if (d.datatype === 'datetime' && Number.isNaN(Date.parse(list[0]))) {
      errors.push({ field, message: text('须为 ISO 8601 时间', 'must be an ISO 8601 date-time') });
      continue;
    }
    values[d.code] = d.datatype === 'multivaluelist' ? list : list[0];
  }
  if (errors.length) {
    const zh = errors.map((e) => `${e.field} ${e.message['zh-CN']}`).join('；');
    const en = errors.map((e) => `${e.field} ${e.message.en}`).join('; ');
    throw new DomainError('malformed', errors[0].field, text(zh, en), 'BAD_ATTRIBUTE', {}, errors.map((e) => ({ input: e.field, message: e.message })));
  }
  const severity = typeof values.severity === 'string' ? Number(values.severity) : undefined;
  return { severity, values };
}
