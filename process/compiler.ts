/**
 * BPMN 2.0 XML → ProcessModel. Parses with bpmn-moddle and the grid: extension, refuses what the
 * case workflow cannot run (naming the element and its type), validates the model against
 * schema/process-model.schema.json and lints it (bpmnlint's recommended rules plus GridCase's).
 *
 * Unreadable input (not XML, not BPMN) throws UnreadableDiagramError; every other problem is
 * reported as a CompileIssue, never thrown and never skipped.
 */
import { BpmnModdle } from 'bpmn-moddle';
import gridDescriptor from '../schema/grid-moddle.json';
import { parseAssigneeRule, isTierBased } from './assignee';
import { checkFeel } from './feel';
import { FORM_KEYWORDS, unsupportedFormKeywords } from './form';
import { runBpmnlint } from './bpmnlint';
import { lintModel } from './lint';
import {
  CASE_STATUSES,
  MODEL_FORMAT,
  SERVICE_ACTIONS,
  type CaseStatusCode,
  type DeadlineSpec,
  type ElementModel,
  type EventTrigger,
  type FlowModel,
  type ProcessModel,
  type ServiceAction,
} from './model';
import { validateModelSchema } from './model-schema';
import { isDuration, parseCalendar, parseReminders, parseTimer } from './timers';

export interface CompileIssue {
  /** id of the BPMN element (or the process / definitions id) */
  element: string;
  /** its BPMN type, e.g. bpmn:UserTask */
  type: string;
  message: string;
  severity: 'error' | 'warning';
  /** the lint rule or check that found it */
  rule: string;
}

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
  if (Buffer.byteLength(xml, 'utf8') > MAX_DIAGRAM_BYTES) throw new UnreadableDiagramError(`the diagram is larger than ${MAX_DIAGRAM_BYTES} bytes`, 'too-large');
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

/** Artifacts and descriptive elements with no execution semantics: allowed and ignored. */
const IGNORED_TYPES = new Set([
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:Group',
]);

const SUPPORTED_HINT =
  'supported: start and end events (terminate, escalation), user and service tasks, exclusive/parallel/inclusive gateways, embedded sub-processes, timer/message/escalation boundary events, timer and message intermediate catch events';

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

export async function compileBpmn(xml: string, opts: { bpmnlint?: boolean } = {}): Promise<CompileResult> {
  const { definitions, warnings: parseWarnings } = await parseBpmn(xml);
  const issues: CompileIssue[] = parseWarnings.map((message) => ({
    element: definitions.id ?? 'definitions',
    type: 'bpmn:Definitions',
    message: `parse: ${message}`,
    severity: 'warning' as const,
    rule: 'parse',
  }));
  const model = buildModel(definitions, issues);
  const types = elementTypes(definitions);
  if (model) {
    // Reachability over a model with elements left out (unsupported) would only repeat those errors.
    if (!issues.some((i) => i.severity === 'error' && ['supported', 'timer', 'message', 'flow'].includes(i.rule))) issues.push(...lintModel(model, (id) => types.get(id) ?? 'bpmn:FlowElement'));
    const schemaErrors = validateModelSchema(model);
    for (const message of schemaErrors) issues.push({ element: model.id, type: 'bpmn:Process', message: `model schema: ${message}`, severity: 'error', rule: 'model-schema' });
  }
  if (opts.bpmnlint !== false) issues.push(...(await runBpmnlint(definitions, types)));
  const errors = dedupe(issues.filter((i) => i.severity === 'error'));
  const warnings = dedupe(issues.filter((i) => i.severity === 'warning'));
  if (errors.length || !model) return { ok: false, errors, warnings };
  return { ok: true, model, warnings };
}

function dedupe(issues: CompileIssue[]): CompileIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.element}|${i.rule}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** id → BPMN type of every element of parsed definitions (processes, flow elements, participants, diagrams). */
export function elementTypes(definitions: Moddle): Map<string, string> {
  const types = new Map<string, string>();
  const visit = (el: Moddle) => {
    if (!el || typeof el !== 'object') return;
    if (el.id && el.$type) types.set(el.id, el.$type);
    for (const key of ['rootElements', 'flowElements', 'participants', 'diagrams']) for (const child of el[key] ?? []) visit(child);
  };
  visit(definitions);
  return types;
}

function chooseProcess(definitions: Moddle, issues: CompileIssue[]): Moddle | undefined {
  const processes: Moddle[] = (definitions.rootElements ?? []).filter((e: Moddle) => e.$type === 'bpmn:Process');
  const withFlow = processes.filter((p) => (p.flowElements ?? []).length > 0);
  if (withFlow.length === 0) {
    issues.push({ element: definitions.id ?? 'definitions', type: 'bpmn:Definitions', message: 'the diagram has no process with flow elements', severity: 'error', rule: 'process' });
    return undefined;
  }
  if (withFlow.length > 1) {
    const executable = withFlow.filter((p) => p.isExecutable);
    if (executable.length === 1) return executable[0];
    const ids = withFlow.map((p) => p.id).join(', ');
    issues.push({
      element: (definitions.rootElements ?? []).find((e: Moddle) => e.$type === 'bpmn:Collaboration')?.id ?? definitions.id ?? 'definitions',
      type: 'bpmn:Collaboration',
      message: `the diagram has ${withFlow.length} processes (${ids}); a case runs one: mark exactly one isExecutable="true" or draw one pool`,
      severity: 'error',
      rule: 'process',
    });
    return undefined;
  }
  return withFlow[0];
}

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function buildModel(definitions: Moddle, issues: CompileIssue[]): ProcessModel | undefined {
  const process = chooseProcess(definitions, issues);
  if (!process) return undefined;
  const elements: Record<string, ElementModel> = {};
  const flows: Record<string, FlowModel> = {};
  const error = (el: Moddle, message: string, rule = 'supported') =>
    issues.push({ element: el?.id ?? process.id, type: el?.$type ?? 'bpmn:FlowElement', message, severity: 'error', rule });
  const starts: Record<string, string[]> = {};

  const statusOf = (el: Moddle): CaseStatusCode | null => {
    const s = text(el.status);
    if (s === null) return null;
    if (!(CASE_STATUSES as readonly string[]).includes(s)) {
      error(el, `grid:status "${s}" is not one of ${CASE_STATUSES.join(', ')}`, 'grid-attributes');
      return null;
    }
    return s as CaseStatusCode;
  };

  const base = (el: Moddle, scope: string | null) => ({
    id: el.id as string,
    name: text(el.name),
    scope,
    incoming: [] as string[],
    outgoing: [] as string[],
    status: statusOf(el),
    statusLabel: text(el.statusLabel),
  });

  const definitionsOf = (el: Moddle): Moddle[] => el.eventDefinitions ?? [];

  const trigger = (el: Moddle, allowed: string[]): EventTrigger | undefined => {
    const defs = definitionsOf(el);
    if (defs.length !== 1) {
      error(el, defs.length === 0 ? 'the event has no trigger (timer, message or escalation)' : 'the event has more than one trigger; use one event per trigger');
      return undefined;
    }
    const def = defs[0];
    if (!allowed.includes(def.$type)) {
      error(el, `${def.$type} on ${el.$type} is not supported (${SUPPORTED_HINT})`);
      return undefined;
    }
    switch (def.$type) {
      case 'bpmn:TimerEventDefinition':
        try {
          return {
            kind: 'timer',
            timer: parseTimer({ duration: def.timeDuration?.body, date: def.timeDate?.body, cycle: def.timeCycle?.body, calendar: def.calendar, relativeTo: def.relativeTo }),
          };
        } catch (e) {
          error(el, `timer: ${(e as Error).message}`, 'timer');
          return undefined;
        }
      case 'bpmn:MessageEventDefinition': {
        const name = text(def.messageRef?.name) ?? text(def.messageRef?.id);
        if (!name) {
          error(el, 'the message event names no message (messageRef to a bpmn:message with a name)', 'message');
          return undefined;
        }
        return { kind: 'message', message: name };
      }
      case 'bpmn:EscalationEventDefinition':
        return { kind: 'escalation', code: text(def.escalationRef?.escalationCode) };
      default:
        return undefined;
    }
  };

  const visitScope = (container: Moddle, scope: string | null) => {
    const list: Moddle[] = container.flowElements ?? [];
    for (const el of list) {
      if (!el.id) {
        error(el, 'element without an id');
        continue;
      }
      if (IGNORED_TYPES.has(el.$type)) continue;
      if (el.loopCharacteristics) {
        error(el, `${el.$type} with ${el.loopCharacteristics.$type} (loops and multi-instance) is not supported`);
      }
      switch (el.$type) {
        case 'bpmn:SequenceFlow': {
          let condition: string | null = null;
          const body = text(el.conditionExpression?.body);
          if (el.conditionExpression && body === null) {
            error(el, 'the condition is empty: write a FEEL expression or remove the condition', 'condition');
          } else if (body !== null) {
            condition = body.startsWith('=') ? body.slice(1).trim() : body;
            const problem = checkFeel(condition);
            if (problem) error(el, `condition "${body}" is not FEEL: ${problem}`, 'condition');
          }
          if (!el.sourceRef?.id || !el.targetRef?.id) {
            error(el, 'the sequence flow is not connected at both ends', 'flow');
            break;
          }
          flows[el.id] = { id: el.id, source: el.sourceRef.id, target: el.targetRef.id, condition };
          break;
        }
        case 'bpmn:StartEvent':
          if (definitionsOf(el).length) error(el, `a start event with ${definitionsOf(el)[0].$type} is not supported: cases start blank`);
          if (el.isInterrupting === false) error(el, 'non-interrupting start events (event sub-processes) are not supported');
          (starts[scope ?? ''] ??= []).push(el.id);
          elements[el.id] = { ...base(el, scope), type: 'startEvent' };
          break;
        case 'bpmn:EndEvent': {
          const defs = definitionsOf(el);
          let end: Extract<ElementModel, { type: 'endEvent' }>['end'] = { kind: 'none' };
          if (defs.length > 1) error(el, 'the end event has more than one event definition');
          else if (defs.length === 1) {
            const def = defs[0];
            if (def.$type === 'bpmn:TerminateEventDefinition') end = { kind: 'terminate' };
            else if (def.$type === 'bpmn:EscalationEventDefinition') end = { kind: 'escalation', code: text(def.escalationRef?.escalationCode) };
            else error(el, `an end event with ${def.$type} is not supported (${SUPPORTED_HINT})`);
          }
          elements[el.id] = { ...base(el, scope), type: 'endEvent', end };
          break;
        }
        case 'bpmn:UserTask': {
          let deadline: DeadlineSpec = { kind: 'category' };
          const deadlineText = text(el.deadline);
          let calendar: ReturnType<typeof parseCalendar> = 'CLOCK';
          try {
            calendar = parseCalendar(text(el.calendar));
          } catch (e) {
            error(el, (e as Error).message, 'grid-attributes');
          }
          if (deadlineText === null) error(el, 'the user task has no deadline (grid:deadline: an ISO 8601 duration such as PT8H, or "category")', 'user-task-deadline');
          else if (deadlineText !== 'category') {
            if (!isDuration(deadlineText) || /^P(\d+Y|\d+M)/.test(deadlineText)) error(el, `grid:deadline "${deadlineText}" is not an ISO 8601 duration (PT30M, PT8H, P3D) or "category"`, 'user-task-deadline');
            else deadline = { kind: 'duration', duration: deadlineText, calendar };
          }
          const assignee = text(el.assignee);
          let escalatable = false;
          if (assignee === null) error(el, 'the user task has no assignee rule (grid:assignee, e.g. tier:current or department:CG)', 'user-task-assignee');
          else {
            try {
              escalatable = isTierBased(parseAssigneeRule(assignee));
            } catch (e) {
              error(el, (e as Error).message, 'user-task-assignee');
            }
          }
          if (typeof el.escalatable === 'boolean') escalatable = el.escalatable;
          let reminders: ReturnType<typeof parseReminders> = [];
          try {
            reminders = parseReminders(text(el.reminders));
          } catch (e) {
            error(el, (e as Error).message, 'grid-attributes');
          }
          const outcomes = (text(el.outcomes) ?? 'done').split(',').map((s) => s.trim()).filter(Boolean);
          for (const o of outcomes) if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(o)) error(el, `outcome "${o}" is not a name (letters, digits, _)`, 'grid-attributes');
          let form: Record<string, unknown> | null = null;
          const forms = (el.extensionElements?.values ?? []).filter((v: Moddle) => v.$type === 'grid:Form');
          if (forms.length > 1) error(el, 'the user task has more than one grid:form', 'form');
          if (forms.length === 1) {
            try {
              const parsed = JSON.parse(forms[0].schema ?? '');
              if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('a form schema is a JSON object');
              const unsupported = unsupportedFormKeywords(parsed);
              if (unsupported.length) throw new Error(`keywords ${unsupported.join(', ')} are not supported in forms (supported: ${[...FORM_KEYWORDS].join(', ')})`);
              form = parsed;
            } catch (e) {
              error(el, `grid:form is not a JSON Schema: ${(e as Error).message}`, 'form');
            }
          }
          if (el.priority !== undefined && !Number.isInteger(el.priority)) error(el, 'grid:priority must be an integer', 'grid-attributes');
          elements[el.id] = {
            ...base(el, scope),
            type: 'userTask',
            assignee: assignee ?? '',
            deadline,
            reminders,
            outcomes: [...new Set(outcomes)],
            priority: Number.isInteger(el.priority) ? el.priority : 0,
            escalatable,
            form,
            boundary: [],
          };
          break;
        }
        case 'bpmn:ServiceTask': {
          const action = text(el.action);
          if (action === null) error(el, `the service task has no grid:action (one of ${SERVICE_ACTIONS.join(', ')})`, 'service-task-action');
          else if (!(SERVICE_ACTIONS as readonly string[]).includes(action)) error(el, `grid:action "${action}" is not one of ${SERVICE_ACTIONS.join(', ')}`, 'service-task-action');
          const target = text(el.target);
          if (action === 'notify' || action === 'handOver') {
            if (target === null) error(el, `grid:action="${action}" needs grid:target (an assignee rule such as role:supervisor@tier:parent or department:FY)`, 'service-task-action');
            else {
              try {
                const rule = parseAssigneeRule(target);
                if (action === 'handOver' && !rule.kind.startsWith('department')) error(el, 'grid:action="handOver" needs a department target (department:<kind>)', 'service-task-action');
              } catch (e) {
                error(el, (e as Error).message, 'service-task-action');
              }
            }
          }
          elements[el.id] = { ...base(el, scope), type: 'serviceTask', action: (action ?? 'notify') as ServiceAction, target, message: text(el.message), boundary: [] };
          break;
        }
        case 'bpmn:ExclusiveGateway':
        case 'bpmn:ParallelGateway':
        case 'bpmn:InclusiveGateway':
          elements[el.id] = {
            ...base(el, scope),
            type: el.$type === 'bpmn:ExclusiveGateway' ? 'exclusiveGateway' : el.$type === 'bpmn:ParallelGateway' ? 'parallelGateway' : 'inclusiveGateway',
            default: el.default?.id ?? null,
          };
          break;
        case 'bpmn:SubProcess':
          if (el.triggeredByEvent) {
            error(el, 'event sub-processes are not supported: use boundary events on a sub-process');
            break;
          }
          elements[el.id] = { ...base(el, scope), type: 'subProcess', start: '', boundary: [] };
          visitScope(el, el.id);
          break;
        case 'bpmn:BoundaryEvent': {
          const t = trigger(el, ['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:EscalationEventDefinition']);
          if (!el.attachedToRef?.id) {
            error(el, 'the boundary event is not attached to an activity');
            break;
          }
          if (!t) break;
          elements[el.id] = { ...base(el, scope), type: 'boundaryEvent', attachedTo: el.attachedToRef.id, interrupting: el.cancelActivity !== false, trigger: t };
          break;
        }
        case 'bpmn:IntermediateCatchEvent': {
          const t = trigger(el, ['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition']);
          if (!t) break;
          if (t.kind === 'timer' && t.timer.kind === 'deadline') {
            error(el, 'grid:relativeTo="deadline" is for boundary events on user tasks', 'timer');
            break;
          }
          elements[el.id] = { ...base(el, scope), type: 'intermediateCatchEvent', trigger: t as Extract<ElementModel, { type: 'intermediateCatchEvent' }>['trigger'] };
          break;
        }
        default:
          error(el, `${el.$type} is not supported (${SUPPORTED_HINT})`);
      }
    }
  };
  visitScope(process, null);

  // wire flows and boundary events
  for (const flow of Object.values(flows)) {
    const source = elements[flow.source];
    const target = elements[flow.target];
    if (!source || !target) continue; // the unsupported end is already reported
    if (source.scope !== target.scope) {
      issues.push({ element: flow.id, type: 'bpmn:SequenceFlow', message: 'the sequence flow crosses a sub-process boundary', severity: 'error', rule: 'flow' });
      continue;
    }
    source.outgoing.push(flow.id);
    target.incoming.push(flow.id);
  }
  for (const el of Object.values(elements)) {
    if (el.type === 'boundaryEvent') {
      const host = elements[el.attachedTo];
      if (!host || (host.type !== 'userTask' && host.type !== 'serviceTask' && host.type !== 'subProcess')) {
        issues.push({ element: el.id, type: 'bpmn:BoundaryEvent', message: `a boundary event must be attached to a user task, service task or sub-process (not ${host?.type ?? el.attachedTo})`, severity: 'error', rule: 'boundary' });
        continue;
      }
      if (el.trigger.kind === 'escalation' && host.type !== 'subProcess') {
        issues.push({ element: el.id, type: 'bpmn:BoundaryEvent', message: 'escalation boundary events belong on a sub-process (they catch escalations thrown inside it)', severity: 'error', rule: 'boundary' });
      }
      if (el.trigger.kind === 'timer' && el.trigger.timer.kind === 'deadline' && host.type !== 'userTask') {
        issues.push({ element: el.id, type: 'bpmn:BoundaryEvent', message: 'grid:relativeTo="deadline" needs a boundary event on a user task (only user tasks have deadlines)', severity: 'error', rule: 'timer' });
      }
      host.boundary.push(el.id);
      if (el.incoming.length) issues.push({ element: el.id, type: 'bpmn:BoundaryEvent', message: 'a boundary event has no incoming flows', severity: 'error', rule: 'flow' });
    }
  }
  for (const el of Object.values(elements)) {
    if ((el.type === 'exclusiveGateway' || el.type === 'inclusiveGateway') && el.default && flows[el.default]?.source !== el.id) {
      issues.push({ element: el.id, type: el.type === 'exclusiveGateway' ? 'bpmn:ExclusiveGateway' : 'bpmn:InclusiveGateway', message: `the default flow ${el.default} does not leave this gateway`, severity: 'error', rule: 'gateway' });
    }
  }
  for (const [scope, ids] of Object.entries(starts)) {
    const owner = scope === '' ? process : { id: scope, $type: 'bpmn:SubProcess' };
    if (ids.length > 1) error(owner, `${scope === '' ? 'the process' : 'the sub-process'} has ${ids.length} start events (${ids.join(', ')}); it needs exactly one`, 'start');
  }
  for (const el of Object.values(elements)) {
    if (el.type === 'subProcess') {
      const s = starts[el.id];
      if (!s?.length) error({ id: el.id, $type: 'bpmn:SubProcess' }, 'the sub-process has no start event', 'start');
      else el.start = s[0];
    }
  }
  const rootStarts = starts[''] ?? [];
  if (!rootStarts.length) {
    error(process, 'the process has no start event', 'start');
    return undefined;
  }
  return { format: MODEL_FORMAT, id: process.id, name: text(process.name), start: rootStarts[0], elements, flows };
}
