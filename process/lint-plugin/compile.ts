/**
 * The GridCase compiler proper: parsed BPMN (a bpmn-moddle Definitions tree with the grid:
 * extension) → ProcessModel, plus every problem found, each tagged with the lint rule that reports
 * it (`gridcase/<rule>`, one rule of the GridCase bpmnlint plugin per family of checks). Refuses
 * what the case workflow cannot run (naming the element and its type), checks the graph (every
 * element reachable, every path able to reach an end, gateways that cannot strand a case) and
 * validates the model against schema/process-model.schema.json.
 *
 * Pure, and safe in a browser: the server compiles the tree bpmn-moddle parsed from the XML
 * (process/compiler.ts), the designer lints the tree bpmn-js is editing (through the plugin's
 * rules, process/lint-plugin/index.ts), and both run this same code.
 */
import { isTierBased, parseAssigneeRule } from '../assignee';
import { checkFeel, compileCondition } from '../feel';
import { FORM_KEYWORDS, unsupportedFormKeywords } from '../form';
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
} from '../model';
import { validateModelSchema } from '../model-schema';
import { isDuration, parseCalendar, parseReminders, parseTimer } from '../timers';
import { checkGraph } from './graph';
import { PLUGIN, type CompileIssue, type Finding, type GridcaseRule } from './findings';

export { GRIDCASE_RULES, PLUGIN, type CompileIssue, type Finding, type GridcaseRule } from './findings';

export interface CompiledDefinitions {
  /** the process model, or undefined when there is no process to build one from */
  model: ProcessModel | undefined;
  /** every problem, once each, in the order found; rule is gridcase/<rule> */
  issues: CompileIssue[];
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

/** Rules whose errors leave elements out of the model: reachability over it would only repeat them. */
const MODEL_INCOMPLETE: readonly GridcaseRule[] = ['supported', 'timer', 'message', 'flow'];

/**
 * Compiles parsed definitions. Never throws on a diagram, whatever modeler drew it: every problem
 * is an issue naming the element (by id) and its BPMN type.
 */
export function compileDefinitions(definitions: Moddle): CompiledDefinitions {
  const findings: Finding[] = [];
  const model = buildModel(definitions, findings);
  if (model) {
    if (!findings.some((i) => MODEL_INCOMPLETE.includes(i.rule))) {
      const types = elementTypes(definitions);
      findings.push(...checkGraph(model, (id) => types.get(id) ?? 'bpmn:FlowElement'));
    }
    for (const message of validateModelSchema(model)) findings.push({ element: model.id, type: 'bpmn:Process', message: `model schema: ${message}`, severity: 'error', rule: 'model-schema' });
  }
  return { model, issues: dedupe(findings.map((f) => ({ ...f, rule: `${PLUGIN}/${f.rule}` }))) };
}

export function dedupe<T extends CompileIssue>(issues: T[]): T[] {
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

function chooseProcess(definitions: Moddle, issues: Finding[]): Moddle | undefined {
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

function buildModel(definitions: Moddle, issues: Finding[]): ProcessModel | undefined {
  const process = chooseProcess(definitions, issues);
  if (!process) return undefined;
  const elements: Record<string, ElementModel> = {};
  const flows: Record<string, FlowModel> = {};
  const error = (el: Moddle, message: string, rule: GridcaseRule = 'supported') =>
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
          const tree = condition === null ? null : compileCondition(condition);
          flows[el.id] = { id: el.id, source: el.sourceRef.id, target: el.targetRef.id, condition, ...(tree ? { conditionTree: tree } : {}) };
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
