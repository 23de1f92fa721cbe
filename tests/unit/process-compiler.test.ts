/**
 * The process compiler (process/compiler.ts): BPMN 2.0 XML with the grid: extension → the JSON
 * process model the case workflow runs (docs/PROCESS-MODEL.md), or a list of errors that each name
 * the element, its BPMN type and what is wrong. Also the pure helpers it uses: task forms
 * (process/form.ts) and timer expressions (process/timers.ts).
 *
 * Diagrams are written inline: `diagram()` wraps flow elements into definitions + one executable
 * process + a minimal BPMNDI (every element drawn), and adds the <incoming>/<outgoing> references
 * a modeler writes, so bpmnlint's recommended rules judge them as they would a drawn diagram.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { compileBpmn, elementTypes, parseBpmn, UnreadableDiagramError, type CompileIssue } from '../../process/compiler';
import { validateForm } from '../../process/form';
import type { ElementModel, ProcessModel } from '../../process/model';
import { clockDurationMs, parseCalendar, parseCycle, parseReminders, parseTimer } from '../../process/timers';
import modelSchema from '../../schema/process-model.schema.json';

const MIWG_DIR = path.resolve(__dirname, '../fixtures/bpmn/miwg');
const PROCESSES_DIR = path.resolve(__dirname, '../../diagrams');

// ---------------------------------------------------------------------------------------------
// helpers

const FLOW_NODE_TAGS = [
  'startEvent',
  'endEvent',
  'userTask',
  'serviceTask',
  'sendTask',
  'receiveTask',
  'scriptTask',
  'manualTask',
  'businessRuleTask',
  'callActivity',
  'task',
  'exclusiveGateway',
  'parallelGateway',
  'inclusiveGateway',
  'eventBasedGateway',
  'complexGateway',
  'subProcess',
  'boundaryEvent',
  'intermediateCatchEvent',
  'intermediateThrowEvent',
].join('|');

/**
 * A complete BPMN document around `flowElements` (bpmn:-prefixed XML). `roots` are root elements
 * such as <bpmn:message> and <bpmn:escalation>. Shapes are laid out in a row so none overlap.
 */
function diagram(flowElements: string, opts: { roots?: string; processId?: string } = {}): string {
  const attr = (attrs: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
  const flows = [...flowElements.matchAll(/<bpmn:sequenceFlow\b([^>]*)>/g)].map((m) => ({ id: attr(m[1], 'id')!, source: attr(m[1], 'sourceRef'), target: attr(m[1], 'targetRef') }));
  const nodes: string[] = [];
  const body = flowElements.replace(new RegExp(`<bpmn:(${FLOW_NODE_TAGS})\\b([^>]*?)(/?)>`, 'g'), (whole, tag: string, attrs: string, selfClosing: string) => {
    const id = attr(attrs, 'id');
    if (!id) return whole;
    nodes.push(id);
    const refs = [
      ...flows.filter((f) => f.target === id).map((f) => `<bpmn:incoming>${f.id}</bpmn:incoming>`),
      ...flows.filter((f) => f.source === id).map((f) => `<bpmn:outgoing>${f.id}</bpmn:outgoing>`),
    ].join('');
    return selfClosing ? `<bpmn:${tag}${attrs}>${refs}</bpmn:${tag}>` : `<bpmn:${tag}${attrs}>${refs}`;
  });
  const processId = opts.processId ?? 'Process_1';
  const shapes = nodes.map((id, i) => `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${100 + i * 150}" y="100" width="100" height="80" /></bpmndi:BPMNShape>`);
  const edges = flows.map((f) => `<bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}"><di:waypoint x="0" y="0" /><di:waypoint x="10" y="10" /></bpmndi:BPMNEdge>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:grid="https://gridcase.cn/schema/bpmn/grid/1.0" id="Definitions_1" targetNamespace="https://gridcase.cn/test">
${opts.roots ?? ''}
<bpmn:process id="${processId}" isExecutable="true">
${body}
</bpmn:process>
<bpmndi:BPMNDiagram id="Diagram_1"><bpmndi:BPMNPlane id="Plane_1" bpmnElement="${processId}">
${[...shapes, ...edges].join('\n')}
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

/** Start → `node` → End, for diagrams about one element. */
function around(nodeId: string, node: string, roots?: string): string {
  return diagram(
    `<bpmn:startEvent id="Start" name="上报"/>
     ${node}
     <bpmn:endEvent id="End" name="结案"/>
     <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="${nodeId}"/>
     <bpmn:sequenceFlow id="Flow_Out" sourceRef="${nodeId}" targetRef="End"/>`,
    { roots },
  );
}

const VALID_TASK = 'grid:assignee="tier:current" grid:deadline="PT8H"';

const describeIssues = (issues: CompileIssue[]) => issues.map((i) => `${i.element} (${i.type}) [${i.rule}]: ${i.message}`).join('\n');

/** Compiles and expects success; failures show every error. */
async function compileOk(xml: string): Promise<ProcessModel> {
  const result = await compileBpmn(xml);
  if (!result.ok) throw new Error(`expected the diagram to compile, got errors:\n${describeIssues(result.errors)}`);
  return result.model;
}

/** Compiles and expects refusal. */
async function compileErrors(xml: string): Promise<CompileIssue[]> {
  const result = await compileBpmn(xml);
  if (result.ok) throw new Error('expected compile errors, the diagram compiled');
  return result.errors;
}

function element<T extends ElementModel['type']>(model: ProcessModel, id: string, type: T): Extract<ElementModel, { type: T }> {
  const el = model.elements[id];
  expect(el).toBeDefined();
  expect(el.type).toBe(type);
  return el as Extract<ElementModel, { type: T }>;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateModel = ajv.compile(modelSchema);

function expectSchemaValid(model: ProcessModel): void {
  const valid = validateModel(model);
  expect(validateModel.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

/** id → $type of every element in the parsed diagram (processes, flow elements, participants, diagrams). */
async function typesById(xml: string): Promise<Map<string, string>> {
  return elementTypes((await parseBpmn(xml)).definitions);
}

const ERROR_SHAPE = { element: expect.stringMatching(/\S/), type: expect.stringMatching(/^bpmn:[A-Z]\w+$/), message: expect.stringMatching(/\S/), severity: 'error', rule: expect.any(String) };

// ---------------------------------------------------------------------------------------------

describe('MIWG test-suite diagrams (third-party BPMN, not written for GridCase)', () => {
  const files = fs.existsSync(MIWG_DIR) ? fs.readdirSync(MIWG_DIR).filter((f) => f.endsWith('.bpmn')) : [];

  it('given the MIWG diagrams vendored into the fixtures (with their licence notice), then they are there', () => {
    expect(fs.existsSync(path.join(MIWG_DIR, 'NOTICE.txt'))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)('given %s, when compiled, then it is refused (ok:false) without throwing, every error naming an element of the diagram and its BPMN type', async (file) => {
    const xml = fs.readFileSync(path.join(MIWG_DIR, file), 'utf8');
    const result = await compileBpmn(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.length).toBeGreaterThan(0);
    const types = await typesById(xml);
    for (const error of result.errors) {
      expect(error).toEqual(ERROR_SHAPE);
      // the type reported is the type of the element of that id in this diagram
      expect({ element: error.element, type: types.get(error.element) }).toEqual({ element: error.element, type: error.type });
    }
  });

  it('given the Camunda Modeler export of C.8.0, then its error boundary event and business rule task are reported by id as not supported', async () => {
    const errors = await compileErrors(fs.readFileSync(path.join(MIWG_DIR, 'bpmn.io-camunda-modeler-18.6.1__C.8.0-export.bpmn'), 'utf8'));
    expect(errors).toContainEqual(
      expect.objectContaining({ element: 'Event_1aoguwi', type: 'bpmn:BoundaryEvent', rule: 'gridcase/supported', message: expect.stringMatching(/^bpmn:ErrorEventDefinition on bpmn:BoundaryEvent is not supported/) }),
    );
    expect(errors).toContainEqual(expect.objectContaining({ element: 'Activity_13m56bo', type: 'bpmn:BusinessRuleTask', rule: 'gridcase/supported', message: expect.stringMatching(/^bpmn:BusinessRuleTask is not supported/) }));
    const sendTasks = errors.filter((e) => e.type === 'bpmn:SendTask').map((e) => e.element);
    expect(sendTasks.sort()).toEqual(['Activity_02k6h6m', 'Activity_0kxqh4y', 'Activity_0wd8gll', 'Activity_1exp9va']);
  });

  it('given the Trisotech export of A.4.0 (two pools), then it is reported as a collaboration with two processes, naming both', async () => {
    const errors = await compileErrors(fs.readFileSync(path.join(MIWG_DIR, 'trisotech-workflow-modeler-12.6.3__A.4.0-export.bpmn'), 'utf8'));
    const collaboration = errors.find((e) => e.type === 'bpmn:Collaboration');
    expect(collaboration).toMatchObject({ element: '_76bde36f-4fbc-4ef8-b4c9-2df2bccee1d2', rule: 'gridcase/process' });
    expect(collaboration?.message).toMatch(/2 processes/);
    expect(collaboration?.message).toContain('_f2a99fd9-1026-4f1a-8903-18a1939e8579');
    expect(collaboration?.message).toContain('_f4407c02-be6b-4de1-8e06-b18e5000c6da');
    expect(collaboration?.message).toMatch(/isExecutable="true"/);
  });

  it('given reference A.1.0, then each of its three plain bpmn:Task elements is reported as not supported', async () => {
    const xml = fs.readFileSync(path.join(MIWG_DIR, 'reference__A.1.0.bpmn'), 'utf8');
    const tasks = [...(await typesById(xml))].filter(([, type]) => type === 'bpmn:Task').map(([id]) => id);
    expect(tasks).toHaveLength(3);
    const errors = await compileErrors(xml);
    for (const id of tasks) {
      expect(errors).toContainEqual(expect.objectContaining({ element: id, type: 'bpmn:Task', rule: 'gridcase/supported', message: expect.stringMatching(/^bpmn:Task is not supported \(supported: .*user and service tasks/) }));
    }
  });
});

describe('reference processes (diagrams/*.bpmn)', () => {
  const files = fs.readdirSync(PROCESSES_DIR).filter((f) => f.endsWith('.bpmn'));

  it('given the processes folder, then it holds the reference processes', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files).toEqual(expect.arrayContaining(['standard-closed-loop.bpmn', 'dual-dispatch.bpmn', 'dispute-mediation.bpmn']));
  });

  it.each(files)('given %s, when compiled, then it is ok with no errors, every flow node and flow is in the model, and the model validates against the schema', async (file) => {
    const xml = fs.readFileSync(path.join(PROCESSES_DIR, file), 'utf8');
    const result = await compileBpmn(xml);
    expect(result.ok ? [] : describeIssues(result.errors)).toEqual([]);
    if (!result.ok) return;
    const { model } = result;
    expect(model.id).toBe(path.basename(file, '.bpmn'));
    expect(model.elements[model.start]?.type).toBe('startEvent');
    const types = await typesById(xml);
    const flowIds = [...types].filter(([, t]) => t === 'bpmn:SequenceFlow').map(([id]) => id);
    const nodeIds = [...types].filter(([, t]) => t !== 'bpmn:SequenceFlow' && t !== 'bpmn:Process' && t !== 'bpmn:Collaboration' && t !== 'bpmn:Participant' && /Event|Task|Gateway|SubProcess/.test(t)).map(([id]) => id);
    expect(Object.keys(model.flows).sort()).toEqual(flowIds.sort());
    expect(Object.keys(model.elements).sort()).toEqual(nodeIds.sort());
    expectSchemaValid(model);
  });

  it('given one reference process compiled after another in the same process, then each result is the same as when compiled alone (compiling keeps no state)', async () => {
    const xml = fs.readFileSync(path.join(PROCESSES_DIR, 'standard-closed-loop.bpmn'), 'utf8');
    const first = await compileBpmn(xml);
    const second = await compileBpmn(xml);
    expect(second.ok ? [] : describeIssues(second.errors)).toEqual([]);
    expect(second).toEqual(first);
  });
});

describe('supported elements compile into the process model', () => {
  describe('user tasks', () => {
    it('given a user task with every grid: attribute and a form, then the model carries each of them', async () => {
      const form = { type: 'object', required: ['opinion'], properties: { opinion: { type: 'string', title: '受理意见', minLength: 1 } } };
      const model = await compileOk(
        around(
          'Task_Accept',
          `<bpmn:userTask id="Task_Accept" name="受理" grid:status="REPORTED" grid:statusLabel="待受理" grid:assignee="tier:current" grid:deadline="PT2H" grid:calendar="workingHours" grid:reminders="50%,-PT1H" grid:outcomes="accept,reject,duplicate" grid:priority="5" grid:escalatable="false">
             <bpmn:extensionElements><grid:form>${JSON.stringify(form)}</grid:form></bpmn:extensionElements>
           </bpmn:userTask>`,
        ),
      );
      expect(model.elements.Task_Accept).toEqual({
        id: 'Task_Accept',
        name: '受理',
        scope: null,
        incoming: ['Flow_In'],
        outgoing: ['Flow_Out'],
        status: 'REPORTED',
        statusLabel: '待受理',
        type: 'userTask',
        assignee: 'tier:current',
        deadline: { kind: 'duration', duration: 'PT2H', calendar: 'WORKING_HOURS' },
        reminders: [
          { kind: 'fraction', fraction: 0.5 },
          { kind: 'beforeDeadline', duration: 'PT1H' },
        ],
        outcomes: ['accept', 'reject', 'duplicate'],
        priority: 5,
        escalatable: false,
        form,
        boundary: [],
      });
      expect(model).toMatchObject({ format: 1, id: 'Process_1', start: 'Start', flows: { Flow_In: { source: 'Start', target: 'Task_Accept', condition: null } } });
      expectSchemaValid(model);
    });

    it.each([
      ['tier:current', true],
      ['tier:parent', true],
      ['tier:village', false],
      ['tier:township', false],
      ['tier:district', false],
      ['tier:city', false],
      ['department:CG', false],
      ['department:home', false],
      ['department:$department', false],
      ['role:dispatcher@tier:current', false],
      ['role:supervisor@tier:parent', false],
      ['role:handler@tier:district', false],
      ['reporter', false],
    ])('given grid:assignee="%s", then the rule is kept and the task is escalatable by default: %s', async (rule, escalatable) => {
      const model = await compileOk(around('Task_Assignee', `<bpmn:userTask id="Task_Assignee" name="处置" grid:assignee="${rule}" grid:deadline="category"/>`));
      expect(element(model, 'Task_Assignee', 'userTask')).toMatchObject({ assignee: rule, escalatable });
    });

    it('given grid:escalatable="true" on a department task, then it overrides the default', async () => {
      const model = await compileOk(around('Task_Department', `<bpmn:userTask id="Task_Department" name="部门处置" grid:assignee="department:CG" grid:deadline="P3D" grid:escalatable="true"/>`));
      expect(element(model, 'Task_Department', 'userTask').escalatable).toBe(true);
    });

    it('given grid:deadline="category", then the deadline is the category limit (no duration, no calendar)', async () => {
      const model = await compileOk(around('Task_Handle', `<bpmn:userTask id="Task_Handle" name="处置" grid:assignee="tier:current" grid:deadline="category"/>`));
      expect(element(model, 'Task_Handle', 'userTask').deadline).toEqual({ kind: 'category' });
    });

    it.each([
      ['', 'CLOCK'],
      ['grid:calendar="clock"', 'CLOCK'],
      ['grid:calendar="workingHours"', 'WORKING_HOURS'],
      ['grid:calendar="workingDays"', 'WORKING_DAYS'],
    ])('given a duration deadline with %s, then it is counted on the %s calendar', async (calendarAttr, calendar) => {
      const model = await compileOk(around('Task_Verify', `<bpmn:userTask id="Task_Verify" name="核查" grid:assignee="reporter" grid:deadline="P3D" ${calendarAttr}/>`));
      expect(element(model, 'Task_Verify', 'userTask').deadline).toEqual({ kind: 'duration', duration: 'P3D', calendar });
    });

    it('given no grid:outcomes, then the only outcome is "done"; given repeated outcomes with spaces, then they are trimmed and kept once', async () => {
      const plain = await compileOk(around('Task_Plain', `<bpmn:userTask id="Task_Plain" name="处置" ${VALID_TASK}/>`));
      expect(element(plain, 'Task_Plain', 'userTask')).toMatchObject({ outcomes: ['done'], reminders: [], priority: 0, form: null });
      const repeated = await compileOk(around('Task_Repeated', `<bpmn:userTask id="Task_Repeated" name="受理" ${VALID_TASK} grid:outcomes=" accept , reject,accept "/>`));
      expect(element(repeated, 'Task_Repeated', 'userTask').outcomes).toEqual(['accept', 'reject']);
    });
  });

  describe('service tasks', () => {
    it.each([
      ['notify', 'grid:target="role:supervisor@tier:parent" grid:message="案件已超期，请督办"', 'role:supervisor@tier:parent', '案件已超期，请督办'],
      ['escalateTier', '', null, null],
      ['handOver', 'grid:target="department:FY"', 'department:FY', null],
      ['rework', '', null, null],
      ['evaluate', '', null, null],
      ['close', '', null, null],
    ])('given grid:action="%s", then the model names the action, target and message', async (action, attrs, target, message) => {
      const model = await compileOk(around('Task_Service', `<bpmn:serviceTask id="Task_Service" name="自动" grid:action="${action}" ${attrs}/>`));
      expect(model.elements.Task_Service).toEqual({
        id: 'Task_Service',
        name: '自动',
        scope: null,
        incoming: ['Flow_In'],
        outgoing: ['Flow_Out'],
        status: null,
        statusLabel: null,
        type: 'serviceTask',
        action,
        target,
        message,
        boundary: [],
      });
      expectSchemaValid(model);
    });
  });

  describe('gateways', () => {
    it('given an exclusive gateway with FEEL conditions and a default flow, then the flows carry the conditions and the gateway names its default', async () => {
      const model = await compileOk(
        diagram(`
          <bpmn:startEvent id="Start" name="上报"/>
          <bpmn:exclusiveGateway id="Gateway_Severity" name="严重程度？" default="Flow_Normal"/>
          <bpmn:endEvent id="End_Urgent" name="紧急"/>
          <bpmn:endEvent id="End_Rejected" name="不予受理" grid:status="REJECTED"/>
          <bpmn:endEvent id="End_Normal" name="一般"/>
          <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Gateway_Severity"/>
          <bpmn:sequenceFlow id="Flow_Urgent" name="紧急" sourceRef="Gateway_Severity" targetRef="End_Urgent">
            <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">severity &gt;= 3</bpmn:conditionExpression>
          </bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="Flow_Rejected" name="驳回" sourceRef="Gateway_Severity" targetRef="End_Rejected">
            <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">= outcome = "reject"</bpmn:conditionExpression>
          </bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="Flow_Normal" name="其他" sourceRef="Gateway_Severity" targetRef="End_Normal"/>`),
      );
      expect(element(model, 'Gateway_Severity', 'exclusiveGateway')).toMatchObject({ default: 'Flow_Normal', incoming: ['Flow_In'], outgoing: ['Flow_Urgent', 'Flow_Rejected', 'Flow_Normal'] });
      expect(model.flows.Flow_Urgent.condition).toBe('severity >= 3');
      // a leading "=" (Camunda 8 style) is dropped
      expect(model.flows.Flow_Rejected.condition).toBe('outcome = "reject"');
      expect(model.flows.Flow_Normal.condition).toBeNull();
      expect(element(model, 'End_Rejected', 'endEvent')).toMatchObject({ status: 'REJECTED', end: { kind: 'none' } });
      expectSchemaValid(model);
    });

    it('given an inclusive gateway with a default flow, then it compiles as inclusiveGateway with its default', async () => {
      const model = await compileOk(
        diagram(`
          <bpmn:startEvent id="Start" name="上报"/>
          <bpmn:inclusiveGateway id="Gateway_Notify" name="通知谁？" default="Flow_Always"/>
          <bpmn:serviceTask id="Task_NotifyDistrict" name="通知区" grid:action="notify" grid:target="role:supervisor@tier:district"/>
          <bpmn:serviceTask id="Task_NotifyParent" name="通知上级" grid:action="notify" grid:target="role:supervisor@tier:parent"/>
          <bpmn:inclusiveGateway id="Gateway_Joined" name="汇合"/>
          <bpmn:endEvent id="End" name="结案"/>
          <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Gateway_Notify"/>
          <bpmn:sequenceFlow id="Flow_Severe" name="严重" sourceRef="Gateway_Notify" targetRef="Task_NotifyDistrict">
            <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">severity &gt;= 4</bpmn:conditionExpression>
          </bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="Flow_Always" name="总是" sourceRef="Gateway_Notify" targetRef="Task_NotifyParent"/>
          <bpmn:sequenceFlow id="Flow_DistrictDone" sourceRef="Task_NotifyDistrict" targetRef="Gateway_Joined"/>
          <bpmn:sequenceFlow id="Flow_ParentDone" sourceRef="Task_NotifyParent" targetRef="Gateway_Joined"/>
          <bpmn:sequenceFlow id="Flow_Out" sourceRef="Gateway_Joined" targetRef="End"/>`),
      );
      expect(element(model, 'Gateway_Notify', 'inclusiveGateway')).toMatchObject({ default: 'Flow_Always', outgoing: ['Flow_Severe', 'Flow_Always'] });
      expect(element(model, 'Gateway_Joined', 'inclusiveGateway')).toMatchObject({ default: null, incoming: ['Flow_DistrictDone', 'Flow_ParentDone'] });
      expectSchemaValid(model);
    });

    it('given a parallel fork and join, then both are parallelGateway without a default', async () => {
      const model = await compileOk(
        diagram(`
          <bpmn:startEvent id="Start" name="上报"/>
          <bpmn:parallelGateway id="Gateway_Fork" name="双派"/>
          <bpmn:userTask id="Task_Township" name="街道处置" grid:assignee="tier:township" grid:deadline="P1D"/>
          <bpmn:userTask id="Task_Department" name="部门处置" grid:assignee="department:home" grid:deadline="P1D" grid:calendar="workingDays"/>
          <bpmn:parallelGateway id="Gateway_Join" name="汇合"/>
          <bpmn:endEvent id="End" name="结案"/>
          <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Gateway_Fork"/>
          <bpmn:sequenceFlow id="Flow_ToTownship" sourceRef="Gateway_Fork" targetRef="Task_Township"/>
          <bpmn:sequenceFlow id="Flow_ToDepartment" sourceRef="Gateway_Fork" targetRef="Task_Department"/>
          <bpmn:sequenceFlow id="Flow_TownshipDone" sourceRef="Task_Township" targetRef="Gateway_Join"/>
          <bpmn:sequenceFlow id="Flow_DepartmentDone" sourceRef="Task_Department" targetRef="Gateway_Join"/>
          <bpmn:sequenceFlow id="Flow_Out" sourceRef="Gateway_Join" targetRef="End"/>`),
      );
      expect(element(model, 'Gateway_Fork', 'parallelGateway')).toMatchObject({ default: null, outgoing: ['Flow_ToTownship', 'Flow_ToDepartment'] });
      expect(element(model, 'Gateway_Join', 'parallelGateway')).toMatchObject({ default: null, incoming: ['Flow_TownshipDone', 'Flow_DepartmentDone'] });
      expectSchemaValid(model);
    });
  });

  describe('embedded sub-process with boundary events, escalation and messages', () => {
    const handling = diagram(
      `
      <bpmn:startEvent id="Start" name="上报"/>
      <bpmn:subProcess id="SubProcess_Handle" name="处置" grid:status="IN_PROGRESS" grid:statusLabel="处置中">
        <bpmn:startEvent id="Sub_Start" name="开始处置"/>
        <bpmn:userTask id="Task_Handle" name="处置" grid:assignee="tier:current" grid:deadline="category" grid:outcomes="done,cannotHandle"/>
        <bpmn:exclusiveGateway id="Gateway_CanHandle" name="能否处置？" default="Flow_Handled"/>
        <bpmn:endEvent id="Sub_End" name="处置完成"/>
        <bpmn:endEvent id="Sub_CannotHandle" name="提请上报">
          <bpmn:escalationEventDefinition escalationRef="Escalation_CannotHandle"/>
        </bpmn:endEvent>
        <bpmn:sequenceFlow id="Flow_SubIn" sourceRef="Sub_Start" targetRef="Task_Handle"/>
        <bpmn:sequenceFlow id="Flow_SubDecide" sourceRef="Task_Handle" targetRef="Gateway_CanHandle"/>
        <bpmn:sequenceFlow id="Flow_Handled" name="已处置" sourceRef="Gateway_CanHandle" targetRef="Sub_End"/>
        <bpmn:sequenceFlow id="Flow_CannotHandle" name="无力处置" sourceRef="Gateway_CanHandle" targetRef="Sub_CannotHandle">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">outcome = "cannotHandle"</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
      </bpmn:subProcess>
      <bpmn:boundaryEvent id="Boundary_CannotHandle" name="无力处置" attachedToRef="SubProcess_Handle">
        <bpmn:escalationEventDefinition escalationRef="Escalation_CannotHandle"/>
      </bpmn:boundaryEvent>
      <bpmn:boundaryEvent id="Boundary_Withdraw" name="撤回" attachedToRef="SubProcess_Handle">
        <bpmn:messageEventDefinition messageRef="Message_Withdraw"/>
      </bpmn:boundaryEvent>
      <bpmn:boundaryEvent id="Boundary_Intervene" name="督办介入" cancelActivity="false" attachedToRef="SubProcess_Handle">
        <bpmn:messageEventDefinition messageRef="Message_Intervene"/>
      </bpmn:boundaryEvent>
      <bpmn:serviceTask id="Task_EscalateTier" name="逐级上报" grid:action="escalateTier"/>
      <bpmn:serviceTask id="Task_NotifyIntervention" name="通知" grid:action="notify" grid:target="role:handler@tier:current"/>
      <bpmn:endEvent id="End" name="结案" grid:status="CLOSED"/>
      <bpmn:endEvent id="End_Escalated" name="已上报"/>
      <bpmn:endEvent id="End_Withdrawn" name="已撤回" grid:status="WITHDRAWN">
        <bpmn:terminateEventDefinition/>
      </bpmn:endEvent>
      <bpmn:endEvent id="End_Intervened" name="已通知"/>
      <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="SubProcess_Handle"/>
      <bpmn:sequenceFlow id="Flow_Out" sourceRef="SubProcess_Handle" targetRef="End"/>
      <bpmn:sequenceFlow id="Flow_Escalate" sourceRef="Boundary_CannotHandle" targetRef="Task_EscalateTier"/>
      <bpmn:sequenceFlow id="Flow_Escalated" sourceRef="Task_EscalateTier" targetRef="End_Escalated"/>
      <bpmn:sequenceFlow id="Flow_Withdrawn" sourceRef="Boundary_Withdraw" targetRef="End_Withdrawn"/>
      <bpmn:sequenceFlow id="Flow_Intervene" sourceRef="Boundary_Intervene" targetRef="Task_NotifyIntervention"/>
      <bpmn:sequenceFlow id="Flow_Intervened" sourceRef="Task_NotifyIntervention" targetRef="End_Intervened"/>`,
      {
        roots: `<bpmn:escalation id="Escalation_CannotHandle" name="无力处置" escalationCode="cannot-handle"/>
                <bpmn:message id="Message_Withdraw" name="withdraw"/>
                <bpmn:message id="Message_Intervene" name="intervene"/>`,
      },
    );

    it('given a sub-process, then it names its start and boundary events and its elements are scoped to it', async () => {
      const model = await compileOk(handling);
      expect(element(model, 'SubProcess_Handle', 'subProcess')).toMatchObject({
        scope: null,
        start: 'Sub_Start',
        status: 'IN_PROGRESS',
        statusLabel: '处置中',
        boundary: ['Boundary_CannotHandle', 'Boundary_Withdraw', 'Boundary_Intervene'],
      });
      for (const id of ['Sub_Start', 'Task_Handle', 'Gateway_CanHandle', 'Sub_End', 'Sub_CannotHandle']) expect(model.elements[id].scope).toBe('SubProcess_Handle');
      for (const id of ['Start', 'Boundary_Withdraw', 'Task_EscalateTier', 'End']) expect(model.elements[id].scope).toBeNull();
      expect(model.start).toBe('Start');
      expectSchemaValid(model);
    });

    it('given an escalation end event inside and an escalation boundary event on the sub-process, then both carry the escalation code', async () => {
      const model = await compileOk(handling);
      expect(element(model, 'Sub_CannotHandle', 'endEvent').end).toEqual({ kind: 'escalation', code: 'cannot-handle' });
      expect(element(model, 'Boundary_CannotHandle', 'boundaryEvent')).toMatchObject({ attachedTo: 'SubProcess_Handle', interrupting: true, trigger: { kind: 'escalation', code: 'cannot-handle' }, outgoing: ['Flow_Escalate'] });
    });

    it('given message boundary events, then they are triggered by the message name, interrupting unless cancelActivity="false"', async () => {
      const model = await compileOk(handling);
      expect(element(model, 'Boundary_Withdraw', 'boundaryEvent')).toMatchObject({ interrupting: true, trigger: { kind: 'message', message: 'withdraw' } });
      expect(element(model, 'Boundary_Intervene', 'boundaryEvent')).toMatchObject({ interrupting: false, trigger: { kind: 'message', message: 'intervene' } });
    });

    it('given a terminate end event with a status, then the end is terminate and sets the status', async () => {
      const model = await compileOk(handling);
      expect(element(model, 'End_Withdrawn', 'endEvent')).toMatchObject({ status: 'WITHDRAWN', end: { kind: 'terminate' } });
      expect(element(model, 'End', 'endEvent')).toMatchObject({ status: 'CLOSED', end: { kind: 'none' } });
    });
  });

  describe('timer boundary events', () => {
    const withTimer = (boundaryAttrs: string, timer: string) =>
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:userTask id="Task_Handle" name="处置" grid:assignee="tier:current" grid:deadline="PT8H" grid:calendar="workingHours"/>
        <bpmn:boundaryEvent id="Boundary_Timer" name="超时" attachedToRef="Task_Handle" ${boundaryAttrs}>${timer}</bpmn:boundaryEvent>
        <bpmn:serviceTask id="Task_Supervise" name="督办" grid:action="notify" grid:target="role:supervisor@tier:parent"/>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:endEvent id="End_Supervised" name="已督办"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Task_Handle"/>
        <bpmn:sequenceFlow id="Flow_Out" sourceRef="Task_Handle" targetRef="End"/>
        <bpmn:sequenceFlow id="Flow_Overdue" sourceRef="Boundary_Timer" targetRef="Task_Supervise"/>
        <bpmn:sequenceFlow id="Flow_Supervised" sourceRef="Task_Supervise" targetRef="End_Supervised"/>`);

    it.each([
      ['an interrupting duration', '', '<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT2H</bpmn:timeDuration></bpmn:timerEventDefinition>', true, { kind: 'duration', duration: 'PT2H', calendar: 'CLOCK' }],
      [
        'a non-interrupting duration on working hours',
        'cancelActivity="false"',
        '<bpmn:timerEventDefinition grid:calendar="workingHours"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT4H</bpmn:timeDuration></bpmn:timerEventDefinition>',
        false,
        { kind: 'duration', duration: 'PT4H', calendar: 'WORKING_HOURS' },
      ],
      ['a date', '', '<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">2026-10-01T09:00:00+08:00</bpmn:timeDate></bpmn:timerEventDefinition>', true, { kind: 'date', date: '2026-10-01T01:00:00.000Z' }],
      [
        'a non-interrupting cycle R3/PT2H',
        'cancelActivity="false"',
        '<bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/PT2H</bpmn:timeCycle></bpmn:timerEventDefinition>',
        false,
        { kind: 'cycle', repeat: 3, duration: 'PT2H', start: null, calendar: 'CLOCK' },
      ],
      [
        'an unbounded cycle with a start date',
        'cancelActivity="false"',
        '<bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R/2026-10-01T09:00:00+08:00/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>',
        false,
        { kind: 'cycle', repeat: null, duration: 'P1D', start: '2026-10-01T01:00:00.000Z', calendar: 'CLOCK' },
      ],
      ['relativeTo="deadline" alone (at the deadline)', '', '<bpmn:timerEventDefinition grid:relativeTo="deadline"/>', true, { kind: 'deadline', offset: null, repeat: null, cycle: null, calendar: 'CLOCK' }],
      [
        'relativeTo="deadline" with a duration after it, on working hours',
        '',
        '<bpmn:timerEventDefinition grid:relativeTo="deadline" grid:calendar="workingHours"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>',
        true,
        { kind: 'deadline', offset: 'PT1H', repeat: null, cycle: null, calendar: 'WORKING_HOURS' },
      ],
      [
        'relativeTo="deadline" with a cycle repeating after it, on working days',
        'cancelActivity="false"',
        '<bpmn:timerEventDefinition grid:relativeTo="deadline" grid:calendar="workingDays"><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>',
        false,
        { kind: 'deadline', offset: null, repeat: 3, cycle: 'P1D', calendar: 'WORKING_DAYS' },
      ],
    ])('given %s, then the boundary event carries that timer', async (_label, boundaryAttrs, timer, interrupting, spec) => {
      const model = await compileOk(withTimer(boundaryAttrs, timer));
      expect(element(model, 'Boundary_Timer', 'boundaryEvent')).toMatchObject({ attachedTo: 'Task_Handle', interrupting, trigger: { kind: 'timer', timer: spec }, outgoing: ['Flow_Overdue'] });
      expect(element(model, 'Task_Handle', 'userTask').boundary).toEqual(['Boundary_Timer']);
      expectSchemaValid(model);
    });
  });

  describe('intermediate catch events', () => {
    it('given an intermediate timer catch event, then it waits for the timer', async () => {
      const model = await compileOk(
        around(
          'Wait_Cooling',
          `<bpmn:intermediateCatchEvent id="Wait_Cooling" name="冷静期">
             <bpmn:timerEventDefinition grid:calendar="workingDays"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P2D</bpmn:timeDuration></bpmn:timerEventDefinition>
           </bpmn:intermediateCatchEvent>`,
        ),
      );
      expect(element(model, 'Wait_Cooling', 'intermediateCatchEvent')).toMatchObject({ incoming: ['Flow_In'], outgoing: ['Flow_Out'], trigger: { kind: 'timer', timer: { kind: 'duration', duration: 'P2D', calendar: 'WORKING_DAYS' } } });
      expectSchemaValid(model);
    });

    it('given an intermediate message catch event, then it waits for the named message', async () => {
      const model = await compileOk(
        around('Wait_Reply', `<bpmn:intermediateCatchEvent id="Wait_Reply" name="等待答复"><bpmn:messageEventDefinition messageRef="Message_Reply"/></bpmn:intermediateCatchEvent>`, '<bpmn:message id="Message_Reply" name="reply"/>'),
      );
      expect(element(model, 'Wait_Reply', 'intermediateCatchEvent').trigger).toEqual({ kind: 'message', message: 'reply' });
      expectSchemaValid(model);
    });
  });
});

describe('diagrams GridCase refuses: each error names the element, its BPMN type and what to do', () => {
  const timerCatch = (timer: string) => around('Wait', `<bpmn:intermediateCatchEvent id="Wait" name="等待">${timer}</bpmn:intermediateCatchEvent>`);
  const userTask = (attrs: string, inner = '') => around('Task', `<bpmn:userTask id="Task" name="处置" ${attrs}>${inner}</bpmn:userTask>`);
  const deciding = (condition: string, defaultAttr = 'default="Flow_Other"') =>
    diagram(`
      <bpmn:startEvent id="Start" name="上报"/>
      <bpmn:exclusiveGateway id="Gateway" name="判断" ${defaultAttr}/>
      <bpmn:endEvent id="End_A" name="甲"/>
      <bpmn:endEvent id="End_B" name="乙"/>
      <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Gateway"/>
      <bpmn:sequenceFlow id="Flow_Condition" name="条件" sourceRef="Gateway" targetRef="End_A"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="Flow_Other" name="其他" sourceRef="Gateway" targetRef="End_B"/>`);
  const onTask = (boundary: string, roots?: string) =>
    diagram(
      `
      <bpmn:startEvent id="Start" name="上报"/>
      <bpmn:userTask id="Task" name="处置" ${VALID_TASK}/>
      ${boundary}
      <bpmn:endEvent id="End" name="结案"/>
      <bpmn:endEvent id="End_Boundary" name="边界"/>
      <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Task"/>
      <bpmn:sequenceFlow id="Flow_Out" sourceRef="Task" targetRef="End"/>
      <bpmn:sequenceFlow id="Flow_Boundary" sourceRef="Boundary" targetRef="End_Boundary"/>`,
      { roots },
    );

  const cases: [string, string, { element: string; type: string; message: RegExp }][] = [
    ['a user task without an assignee', userTask('grid:deadline="PT8H"'), { element: 'Task', type: 'bpmn:UserTask', message: /no assignee rule \(grid:assignee, e\.g\. tier:current/ }],
    ['a user task without a deadline', userTask('grid:assignee="tier:current"'), { element: 'Task', type: 'bpmn:UserTask', message: /no deadline \(grid:deadline: an ISO 8601 duration such as PT8H, or "category"\)/ }],
    ['an assignee that is not a rule', userTask('grid:assignee="boss" grid:deadline="PT8H"'), { element: 'Task', type: 'bpmn:UserTask', message: /assignee "boss" is not a rule: use tier:current/ }],
    ['an assignee with an unknown role', userTask('grid:assignee="role:mayor@tier:current" grid:deadline="PT8H"'), { element: 'Task', type: 'bpmn:UserTask', message: /role "mayor" is not one of .*supervisor/ }],
    ['an assignee with an unknown tier', userTask('grid:assignee="tier:province" grid:deadline="PT8H"'), { element: 'Task', type: 'bpmn:UserTask', message: /tier "province" is not one of current, parent, village/ }],
    ['a deadline that is not a duration', userTask('grid:assignee="tier:current" grid:deadline="8 hours"'), { element: 'Task', type: 'bpmn:UserTask', message: /grid:deadline "8 hours" is not an ISO 8601 duration/ }],
    ['a deadline in months (no fixed length)', userTask('grid:assignee="tier:current" grid:deadline="P1M"'), { element: 'Task', type: 'bpmn:UserTask', message: /grid:deadline "P1M" is not an ISO 8601 duration/ }],
    ['an unknown calendar', userTask(`${VALID_TASK} grid:calendar="lunar"`), { element: 'Task', type: 'bpmn:UserTask', message: /calendar "lunar" is not one of clock, workingHours, workingDays/ }],
    ['a calendar named like an Object.prototype member', userTask(`${VALID_TASK} grid:calendar="toString"`), { element: 'Task', type: 'bpmn:UserTask', message: /calendar "toString" is not one of clock, workingHours, workingDays/ }],
    ['a reminder that is neither a percentage nor -duration', userTask(`${VALID_TASK} grid:reminders="50%,soon"`), { element: 'Task', type: 'bpmn:UserTask', message: /reminder "soon" is neither a percentage/ }],
    ['an outcome that is not a name', userTask(`${VALID_TASK} grid:outcomes="accept,不予受理"`), { element: 'Task', type: 'bpmn:UserTask', message: /outcome "不予受理" is not a name/ }],
    ['a priority that is not an integer', userTask(`${VALID_TASK} grid:priority="high"`), { element: 'Task', type: 'bpmn:UserTask', message: /priority/ }],
    ['a grid:status that is not a case status', userTask(`${VALID_TASK} grid:status="DONE"`), { element: 'Task', type: 'bpmn:UserTask', message: /grid:status "DONE" is not one of REPORTED, .*CLOSED/ }],
    [
      'a form with an unsupported keyword (oneOf)',
      userTask(VALID_TASK, '<bpmn:extensionElements><grid:form>{"type":"object","properties":{"kind":{"oneOf":[{"const":"a"},{"const":"b"}]}}}</grid:form></bpmn:extensionElements>'),
      { element: 'Task', type: 'bpmn:UserTask', message: /grid:form .*\/properties\/kind\/oneOf.* not supported in forms/ },
    ],
    ['a form that is not JSON', userTask(VALID_TASK, '<bpmn:extensionElements><grid:form>{type: object}</grid:form></bpmn:extensionElements>'), { element: 'Task', type: 'bpmn:UserTask', message: /grid:form is not a JSON Schema/ }],
    ['a service task without an action', around('Service', '<bpmn:serviceTask id="Service" name="自动"/>'), { element: 'Service', type: 'bpmn:ServiceTask', message: /no grid:action \(one of notify, escalateTier, handOver/ }],
    ['a service task with an unknown action', around('Service', '<bpmn:serviceTask id="Service" name="自动" grid:action="email"/>'), { element: 'Service', type: 'bpmn:ServiceTask', message: /grid:action "email" is not one of/ }],
    ['notify without a target', around('Service', '<bpmn:serviceTask id="Service" name="通知" grid:action="notify"/>'), { element: 'Service', type: 'bpmn:ServiceTask', message: /grid:action="notify" needs grid:target/ }],
    [
      'handOver to someone other than a department',
      around('Service', '<bpmn:serviceTask id="Service" name="移交" grid:action="handOver" grid:target="role:supervisor@tier:parent"/>'),
      { element: 'Service', type: 'bpmn:ServiceTask', message: /handOver" needs a department target/ },
    ],
    ['a timer duration that is not ISO 8601', timerCatch('<bpmn:timerEventDefinition><bpmn:timeDuration>2h</bpmn:timeDuration></bpmn:timerEventDefinition>'), { element: 'Wait', type: 'bpmn:IntermediateCatchEvent', message: /"2h" is not an ISO 8601 duration/ }],
    ['an empty timer', timerCatch('<bpmn:timerEventDefinition/>'), { element: 'Wait', type: 'bpmn:IntermediateCatchEvent', message: /the timer has no duration, date or cycle/ }],
    ['a cycle that is not R<n>/<duration>', timerCatch('<bpmn:timerEventDefinition><bpmn:timeCycle>every 2 hours</bpmn:timeCycle></bpmn:timerEventDefinition>'), { element: 'Wait', type: 'bpmn:IntermediateCatchEvent', message: /timer cycle "every 2 hours" is not of the form R3\/PT2H/ }],
    ['a cycle faster than once a minute', timerCatch('<bpmn:timerEventDefinition><bpmn:timeCycle>R/PT10S</bpmn:timeCycle></bpmn:timerEventDefinition>'), { element: 'Wait', type: 'bpmn:IntermediateCatchEvent', message: /more often than once a minute/ }],
    ['a timer date without a zone', timerCatch('<bpmn:timerEventDefinition><bpmn:timeDate>2026-10-01T09:00:00</bpmn:timeDate></bpmn:timerEventDefinition>'), { element: 'Wait', type: 'bpmn:IntermediateCatchEvent', message: /not an ISO 8601 date-time with a zone/ }],
    ['relativeTo="deadline" on an intermediate catch event', timerCatch('<bpmn:timerEventDefinition grid:relativeTo="deadline"/>'), { element: 'Wait', type: 'bpmn:IntermediateCatchEvent', message: /relativeTo="deadline" is for boundary events on user tasks/ }],
    [
      'relativeTo="deadline" on a boundary event of a service task',
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:serviceTask id="Service" name="返工" grid:action="rework"/>
        <bpmn:boundaryEvent id="Boundary" name="超时" attachedToRef="Service"><bpmn:timerEventDefinition grid:relativeTo="deadline"/></bpmn:boundaryEvent>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:endEvent id="End_Boundary" name="超时"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Service"/>
        <bpmn:sequenceFlow id="Flow_Out" sourceRef="Service" targetRef="End"/>
        <bpmn:sequenceFlow id="Flow_Boundary" sourceRef="Boundary" targetRef="End_Boundary"/>`),
      { element: 'Boundary', type: 'bpmn:BoundaryEvent', message: /relativeTo="deadline" needs a boundary event on a user task/ },
    ],
    ['a message event that names no message', around('Wait', '<bpmn:intermediateCatchEvent id="Wait" name="等待"><bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>'), { element: 'Wait', type: 'bpmn:IntermediateCatchEvent', message: /names no message/ }],
    ['a condition that is not FEEL (a >)', deciding('a &gt;'), { element: 'Flow_Condition', type: 'bpmn:SequenceFlow', message: /condition "a >" is not FEEL: syntax error/ }],
    ['a JUEL condition (${x})', deciding('${x}'), { element: 'Flow_Condition', type: 'bpmn:SequenceFlow', message: /condition "\$\{x\}" is not FEEL: this is a JUEL\/EL expression/ }],
    ['an empty condition', deciding('  '), { element: 'Flow_Condition', type: 'bpmn:SequenceFlow', message: /the condition is empty/ }],
    ['a gateway with conditions but no default flow', deciding('severity &gt;= 3', ''), { element: 'Gateway', type: 'bpmn:ExclusiveGateway', message: /conditions but no default flow.*mark one flow as default/ }],
    [
      'a default flow that does not leave its gateway',
      deciding('severity &gt;= 3', 'default="Flow_In"'),
      { element: 'Gateway', type: 'bpmn:ExclusiveGateway', message: /the default flow Flow_In does not leave this gateway/ },
    ],
    [
      'a condition on a flow out of a task',
      around('Task', `<bpmn:userTask id="Task" name="处置" ${VALID_TASK}/>`).replace('<bpmn:sequenceFlow id="Flow_Out" sourceRef="Task" targetRef="End"/>', '<bpmn:sequenceFlow id="Flow_Out" sourceRef="Task" targetRef="End"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">severity &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>'),
      { element: 'Flow_Out', type: 'bpmn:SequenceFlow', message: /conditions belong on flows out of exclusive or inclusive gateways/ },
    ],
    [
      'an element no path from the start reaches',
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:userTask id="Task" name="处置" ${VALID_TASK}/>
        <bpmn:userTask id="Task_Orphan" name="孤立" ${VALID_TASK}/>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Task"/>
        <bpmn:sequenceFlow id="Flow_Out" sourceRef="Task" targetRef="End"/>
        <bpmn:sequenceFlow id="Flow_Orphan" sourceRef="Task_Orphan" targetRef="End"/>`),
      { element: 'Task_Orphan', type: 'bpmn:UserTask', message: /no path from the start reaches this element/ },
    ],
    [
      'a loop with no exit (no path to an end)',
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:exclusiveGateway id="Gateway_Again" name="再次"/>
        <bpmn:userTask id="Task_Handle" name="处置" ${VALID_TASK}/>
        <bpmn:userTask id="Task_Check" name="核查" ${VALID_TASK}/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Gateway_Again"/>
        <bpmn:sequenceFlow id="Flow_Handle" sourceRef="Gateway_Again" targetRef="Task_Handle"/>
        <bpmn:sequenceFlow id="Flow_Check" sourceRef="Task_Handle" targetRef="Task_Check"/>
        <bpmn:sequenceFlow id="Flow_Back" sourceRef="Task_Check" targetRef="Gateway_Again"/>`),
      { element: 'Task_Check', type: 'bpmn:UserTask', message: /no path from this element reaches an end event: the case would never close/ },
    ],
    ['a send task', around('Send', '<bpmn:sendTask id="Send" name="发送"/>'), { element: 'Send', type: 'bpmn:SendTask', message: /^bpmn:SendTask is not supported \(supported: / }],
    ['a business rule task', around('Rule', '<bpmn:businessRuleTask id="Rule" name="规则"/>'), { element: 'Rule', type: 'bpmn:BusinessRuleTask', message: /^bpmn:BusinessRuleTask is not supported/ }],
    ['a call activity', around('Call', '<bpmn:callActivity id="Call" name="调用" calledElement="other"/>'), { element: 'Call', type: 'bpmn:CallActivity', message: /^bpmn:CallActivity is not supported/ }],
    ['a plain task', around('Plain', '<bpmn:task id="Plain" name="任务"/>'), { element: 'Plain', type: 'bpmn:Task', message: /^bpmn:Task is not supported/ }],
    [
      'an event-based gateway',
      diagram(
        `
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:eventBasedGateway id="Gateway_Event" name="等待"/>
        <bpmn:intermediateCatchEvent id="Wait_Message" name="答复"><bpmn:messageEventDefinition messageRef="Message_Reply"/></bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="Wait_Timer" name="超时"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="Gateway_Event"/>
        <bpmn:sequenceFlow id="Flow_Message" sourceRef="Gateway_Event" targetRef="Wait_Message"/>
        <bpmn:sequenceFlow id="Flow_Timer" sourceRef="Gateway_Event" targetRef="Wait_Timer"/>
        <bpmn:sequenceFlow id="Flow_MessageEnd" sourceRef="Wait_Message" targetRef="End"/>
        <bpmn:sequenceFlow id="Flow_TimerEnd" sourceRef="Wait_Timer" targetRef="End"/>`,
        { roots: '<bpmn:message id="Message_Reply" name="reply"/>' },
      ),
      { element: 'Gateway_Event', type: 'bpmn:EventBasedGateway', message: /^bpmn:EventBasedGateway is not supported/ },
    ],
    [
      'a signal intermediate catch event',
      around('Wait_Signal', '<bpmn:intermediateCatchEvent id="Wait_Signal" name="信号"><bpmn:signalEventDefinition signalRef="Signal_Go"/></bpmn:intermediateCatchEvent>', '<bpmn:signal id="Signal_Go" name="go"/>'),
      { element: 'Wait_Signal', type: 'bpmn:IntermediateCatchEvent', message: /bpmn:SignalEventDefinition on bpmn:IntermediateCatchEvent is not supported/ },
    ],
    [
      'a signal boundary event',
      onTask('<bpmn:boundaryEvent id="Boundary" name="信号" attachedToRef="Task"><bpmn:signalEventDefinition signalRef="Signal_Go"/></bpmn:boundaryEvent>', '<bpmn:signal id="Signal_Go" name="go"/>'),
      { element: 'Boundary', type: 'bpmn:BoundaryEvent', message: /bpmn:SignalEventDefinition on bpmn:BoundaryEvent is not supported/ },
    ],
    [
      'an error boundary event',
      onTask('<bpmn:boundaryEvent id="Boundary" name="出错" attachedToRef="Task"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>'),
      { element: 'Boundary', type: 'bpmn:BoundaryEvent', message: /bpmn:ErrorEventDefinition on bpmn:BoundaryEvent is not supported/ },
    ],
    [
      'an escalation boundary event on a user task',
      onTask('<bpmn:boundaryEvent id="Boundary" name="上报" attachedToRef="Task"><bpmn:escalationEventDefinition escalationRef="Escalation_Up"/></bpmn:boundaryEvent>', '<bpmn:escalation id="Escalation_Up" name="up" escalationCode="up"/>'),
      { element: 'Boundary', type: 'bpmn:BoundaryEvent', message: /escalation boundary events belong on a sub-process/ },
    ],
    [
      'an event sub-process',
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="End"/>
        <bpmn:subProcess id="Event_SubProcess" name="事件子流程" triggeredByEvent="true">
          <bpmn:startEvent id="Event_Start" name="超时" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
          <bpmn:endEvent id="Event_End" name="结束"/>
          <bpmn:sequenceFlow id="Flow_Event" sourceRef="Event_Start" targetRef="Event_End"/>
        </bpmn:subProcess>`),
      { element: 'Event_SubProcess', type: 'bpmn:SubProcess', message: /event sub-processes are not supported: use boundary events on a sub-process/ },
    ],
    ['a multi-instance user task', userTask(VALID_TASK, '<bpmn:multiInstanceLoopCharacteristics/>'), { element: 'Task', type: 'bpmn:UserTask', message: /bpmn:UserTask with bpmn:MultiInstanceLoopCharacteristics \(loops and multi-instance\) is not supported/ }],
    [
      'a start event with a timer',
      diagram(`
        <bpmn:startEvent id="Start" name="定时"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="End"/>`),
      { element: 'Start', type: 'bpmn:StartEvent', message: /a start event with bpmn:TimerEventDefinition is not supported: cases start blank/ },
    ],
    [
      'two start events',
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:startEvent id="Start_Hotline" name="热线"/>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="End"/>
        <bpmn:sequenceFlow id="Flow_Hotline" sourceRef="Start_Hotline" targetRef="End"/>`),
      { element: 'Process_1', type: 'bpmn:Process', message: /the process has 2 start events \(Start, Start_Hotline\); it needs exactly one/ },
    ],
    [
      'a sub-process without a start event',
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:subProcess id="SubProcess" name="处置"><bpmn:endEvent id="Sub_End" name="完成"/></bpmn:subProcess>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="SubProcess"/>
        <bpmn:sequenceFlow id="Flow_Out" sourceRef="SubProcess" targetRef="End"/>`),
      { element: 'SubProcess', type: 'bpmn:SubProcess', message: /the sub-process has no start event/ },
    ],
    [
      'a sequence flow crossing a sub-process boundary',
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:subProcess id="SubProcess" name="处置">
          <bpmn:startEvent id="Sub_Start" name="开始"/>
          <bpmn:endEvent id="Sub_End" name="完成"/>
          <bpmn:sequenceFlow id="Flow_Sub" sourceRef="Sub_Start" targetRef="Sub_End"/>
        </bpmn:subProcess>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:sequenceFlow id="Flow_In" sourceRef="Start" targetRef="SubProcess"/>
        <bpmn:sequenceFlow id="Flow_Out" sourceRef="SubProcess" targetRef="End"/>
        <bpmn:sequenceFlow id="Flow_Crossing" sourceRef="Sub_Start" targetRef="End"/>`),
      { element: 'Flow_Crossing', type: 'bpmn:SequenceFlow', message: /crosses a sub-process boundary/ },
    ],
  ];

  it.each(cases)('given %s, then compiling is refused with an error naming it', async (_label, xml, expected) => {
    const errors = await compileErrors(xml);
    for (const e of errors) expect(e).toEqual(ERROR_SHAPE);
    const named = errors.filter((e) => e.element === expected.element && e.type === expected.type);
    expect(named.map((e) => e.message)).toContainEqual(expect.stringMatching(expected.message));
  });

  it('given several problems in one diagram, then every one is reported (none is skipped after the first)', async () => {
    const errors = await compileErrors(
      diagram(`
        <bpmn:startEvent id="Start" name="上报"/>
        <bpmn:userTask id="Task_NoAssignee" name="甲" grid:deadline="PT1H"/>
        <bpmn:userTask id="Task_NoDeadline" name="乙" grid:assignee="tier:current"/>
        <bpmn:serviceTask id="Service_NoAction" name="丙"/>
        <bpmn:endEvent id="End" name="结案"/>
        <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Task_NoAssignee"/>
        <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_NoAssignee" targetRef="Task_NoDeadline"/>
        <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_NoDeadline" targetRef="Service_NoAction"/>
        <bpmn:sequenceFlow id="Flow_4" sourceRef="Service_NoAction" targetRef="End"/>`),
    );
    expect(errors.map((e) => `${e.element}:${e.rule}`)).toEqual(expect.arrayContaining(['Task_NoAssignee:gridcase/user-task-assignee', 'Task_NoDeadline:gridcase/user-task-deadline', 'Service_NoAction:gridcase/service-task-action']));
  });

  it('given a diagram without BPMNDI, then bpmnlint reports each element missing from the drawing', async () => {
    const xml = around('Task', `<bpmn:userTask id="Task" name="处置" ${VALID_TASK}/>`).replace(/<bpmndi:BPMNDiagram[\s\S]*<\/bpmndi:BPMNDiagram>/, '');
    const errors = await compileErrors(xml);
    expect(errors).toContainEqual(expect.objectContaining({ element: 'Task', type: 'bpmn:UserTask', rule: 'bpmnlint/no-bpmndi' }));
    // the compiler's own checks pass: without bpmnlint the same diagram compiles
    expect((await compileBpmn(xml, { bpmnlint: false })).ok).toBe(true);
  });
});

describe('unreadable input', () => {
  it.each([
    ['an empty string', ''],
    ['only whitespace', ' \n\t '],
    ['text that is not XML', 'not xml'],
    ['JSON', '{"process":"standard-closed-loop"}'],
    ['an HTML document', '<!DOCTYPE html><html><head><title>GridCase</title></head><body><p>hello</p></body></html>'],
    ['HTML without a doctype', '<html><body><p>hello</p></body></html>'],
    [
      'XML with a DOCTYPE and entity declarations (billion laughs)',
      `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_1"><bpmn:process id="P">&lol2;</bpmn:process></bpmn:definitions>`,
    ],
    ['XML whose root is not BPMN', '<?xml version="1.0" encoding="UTF-8"?><note><to>网格员</to><body>hello</body></note>'],
    ['a BPMN process without definitions around it', '<?xml version="1.0"?><bpmn:process xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="P"/>'],
    ['definitions in a namespace that is not BPMN', '<?xml version="1.0"?><definitions xmlns="http://example.com/not-bpmn" id="D"><process id="P"/></definitions>'],
    ['truncated BPMN', '<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"><bpmn:process id="P">'],
  ])('given %s, when compiled, then UnreadableDiagramError is thrown', async (_label, input) => {
    await expect(compileBpmn(input)).rejects.toThrow(UnreadableDiagramError);
  });

  it('given a diagram larger than 2 MiB, then it is refused as unreadable before parsing', async () => {
    const huge = `<?xml version="1.0"?><!--${'x'.repeat(2 * 1024 * 1024)}-->`;
    await expect(compileBpmn(huge)).rejects.toThrow(/larger than 2097152 bytes/);
    await expect(compileBpmn(huge)).rejects.toMatchObject({ refusal: 'too-large' });
  });

  it('given a DOCTYPE, an entity declaration or characters XML cannot carry, then it is refused before parsing, saying why', async () => {
    await expect(compileBpmn('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>')).rejects.toMatchObject({ refusal: 'dtd' });
    await expect(compileBpmn('<?xml version="1.0"?><!entity a "b"><x/>')).rejects.toMatchObject({ refusal: 'dtd' });
    await expect(compileBpmn('<?xml version="1.0"?><x>\u0000</x>')).rejects.toMatchObject({ refusal: 'characters' });
    await expect(compileBpmn('<?xml version="1.0"?><x a="\ud800"/>')).rejects.toMatchObject({ refusal: 'characters' });
  });

  it('given unreadable input, then the error says why', async () => {
    await expect(compileBpmn('')).rejects.toThrow('the input is empty');
    await expect(compileBpmn('not xml')).rejects.toThrow('the input is not XML');
    await expect(compileBpmn('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')).rejects.toThrow('must not declare a DOCTYPE or entities');
    await expect(compileBpmn('<note/>')).rejects.toThrow(/^not a BPMN 2\.0 document/);
  });

  it('given BPMN definitions without a process, then it is readable but refused with an error on the definitions', async () => {
    const errors = await compileErrors('<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_Empty"><bpmn:process id="P"/></bpmn:definitions>');
    expect(errors).toContainEqual(expect.objectContaining({ element: 'Definitions_Empty', type: 'bpmn:Definitions', message: 'the diagram has no process with flow elements' }));
  });
});

describe('validateForm (process/form.ts): task form data against the task form schema', () => {
  const form = {
    type: 'object',
    required: ['feedback', 'severity'],
    additionalProperties: false,
    properties: {
      feedback: { type: 'string', minLength: 2, maxLength: 200 },
      severity: { type: 'integer', minimum: 1, maximum: 5 },
      department: { type: 'string', enum: ['CG', 'HB', 'FY'] },
      phone: { type: 'string', pattern: '^1[3-9][0-9]{9}$' },
      photos: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'string', minLength: 1 } },
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      urgent: { type: 'boolean' },
      note: { type: ['string', 'null'] },
    },
  };

  it('given data that conforms, then there are no messages', () => {
    expect(validateForm(form, { feedback: '已清理', severity: 3, department: 'CG', phone: '13800138000', photos: ['a.jpg'], ratio: 0.5, urgent: false, note: null })).toEqual([]);
  });

  it('given missing required fields, then each is named', () => {
    expect(validateForm(form, {})).toEqual(['data.feedback is required', 'data.severity is required']);
  });

  it('given values of the wrong type, then each field is named with the type it must have', () => {
    expect(validateForm(form, { feedback: 1, severity: 2.5, urgent: 'yes', note: 3 })).toEqual(['data.feedback must be string', 'data.severity must be integer', 'data.urgent must be boolean', 'data.note must be string or null']);
    expect(validateForm(form, 'feedback')).toEqual(['data must be object']);
    expect(validateForm(form, null)).toEqual(['data must be object']);
    expect(validateForm(form, [])).toEqual(['data must be object']);
  });

  it('given a value outside the enum, then the field and the allowed values are named', () => {
    expect(validateForm(form, { feedback: '好的', severity: 1, department: 'XX' })).toEqual(['data.department must be one of ["CG","HB","FY"]']);
  });

  it('given strings too short or too long, then the field is named; length counts characters, not UTF-16 units', () => {
    expect(validateForm(form, { feedback: '好', severity: 1 })).toEqual(['data.feedback must have at least 2 characters']);
    expect(validateForm(form, { feedback: '好'.repeat(201), severity: 1 })).toEqual(['data.feedback must have at most 200 characters']);
    expect(validateForm({ type: 'string', minLength: 2 }, '😀')).toEqual(['data must have at least 2 characters']);
  });

  it('given a string that does not match the pattern, then the field and pattern are named', () => {
    expect(validateForm(form, { feedback: '好的', severity: 1, phone: '12345' })).toEqual(['data.phone must match ^1[3-9][0-9]{9}$']);
  });

  it('given numbers out of range, then the field and bound are named', () => {
    expect(validateForm(form, { feedback: '好的', severity: 0 })).toEqual(['data.severity must be ≥ 1']);
    expect(validateForm(form, { feedback: '好的', severity: 6 })).toEqual(['data.severity must be ≤ 5']);
    expect(validateForm(form, { feedback: '好的', severity: 1, ratio: 0 })).toEqual(['data.ratio must be > 0']);
    expect(validateForm(form, { feedback: '好的', severity: 1, ratio: 1 })).toEqual(['data.ratio must be < 1']);
  });

  it('given array items that break the item schema, then each item is named by index, and the array by its size', () => {
    expect(validateForm(form, { feedback: '好的', severity: 1, photos: ['a.jpg', '', 7] })).toEqual(['data.photos[1] must have at least 1 characters', 'data.photos[2] must be string']);
    expect(validateForm(form, { feedback: '好的', severity: 1, photos: [] })).toEqual(['data.photos must have at least 1 items']);
    expect(validateForm(form, { feedback: '好的', severity: 1, photos: ['a', 'b', 'c', 'd'] })).toEqual(['data.photos must have at most 3 items']);
  });

  it('given additionalProperties:false, then a field the form does not declare is named', () => {
    expect(validateForm(form, { feedback: '好的', severity: 1, extra: true })).toEqual(['data.extra is not a field of this form']);
  });

  it('given additionalProperties:false, then undeclared fields named like Object.prototype members are refused too (they would become case variables)', () => {
    const data = JSON.parse('{"feedback":"好的","severity":1,"constructor":1,"__proto__":{"polluted":true},"toString":"x"}');
    expect(validateForm(form, data)).toEqual(['data.constructor is not an allowed field name', 'data.__proto__ is not an allowed field name', 'data.toString is not a field of this form']);
  });

  it('given an additionalProperties schema, then undeclared fields are validated against it', () => {
    expect(validateForm({ type: 'object', additionalProperties: { type: 'number' } }, { a: 1, b: 'x' })).toEqual(['data.b must be number']);
  });

  it('given nested objects, then the path names the nested field', () => {
    const nested = { type: 'object', properties: { location: { type: 'object', required: ['lng', 'lat'], properties: { lng: { type: 'number' }, lat: { type: 'number' } } } } };
    expect(validateForm(nested, { location: { lng: '116.4' } })).toEqual(['data.location.lat is required', 'data.location.lng must be number']);
  });
});

describe('timers (process/timers.ts)', () => {
  describe('clockDurationMs', () => {
    it.each([
      ['PT30M', 30 * 60_000],
      ['PT8H', 8 * 3_600_000],
      ['P3D', 3 * 86_400_000],
      ['P1W', 7 * 86_400_000],
      ['P1DT2H', 26 * 3_600_000],
      ['PT1.5H', 5_400_000],
      ['PT0.5S', 500],
      ['PT0S', 0],
    ])('given %s, then it lasts %d ms of clock time', (iso, ms) => {
      expect(clockDurationMs(iso)).toBe(ms);
    });

    it.each(['', 'P', 'PT', 'P1DT', '8h', 'pt1h', '-PT1H', ' PT1H', 'P1H', 'PT1D'])('given %p, then it is refused as not an ISO 8601 duration', (iso) => {
      expect(() => clockDurationMs(iso)).toThrow(/is not an ISO 8601 duration/);
    });

    it.each(['P1M', 'P1Y', 'P1Y2M'])('given %s (years or months), then it is refused: they have no fixed length', (iso) => {
      expect(() => clockDurationMs(iso)).toThrow(/years and months have no fixed length; use days or weeks/);
    });
  });

  describe('parseCalendar', () => {
    it('given a calendar name or nothing, then the calendar kind (clock by default)', () => {
      expect(parseCalendar(undefined)).toBe('CLOCK');
      expect(parseCalendar(null)).toBe('CLOCK');
      expect(parseCalendar('')).toBe('CLOCK');
      expect(parseCalendar('clock')).toBe('CLOCK');
      expect(parseCalendar('workingHours')).toBe('WORKING_HOURS');
      expect(parseCalendar('workingDays')).toBe('WORKING_DAYS');
    });

    it.each(['WORKING_HOURS', 'Clock', 'lunar', 'toString', 'constructor', '__proto__'])('given %p, then it is refused naming the calendars there are', (name) => {
      expect(() => parseCalendar(name)).toThrow(`calendar "${name}" is not one of clock, workingHours, workingDays`);
    });
  });

  describe('parseReminders', () => {
    it('given percentages and durations before the deadline, then reminder specs in order', () => {
      expect(parseReminders('50%, 80% ,-PT1H')).toEqual([
        { kind: 'fraction', fraction: 0.5 },
        { kind: 'fraction', fraction: 0.8 },
        { kind: 'beforeDeadline', duration: 'PT1H' },
      ]);
      expect(parseReminders('99.5%')).toEqual([{ kind: 'fraction', fraction: 0.995 }]);
    });

    it('given nothing, then no reminders', () => {
      expect(parseReminders(undefined)).toEqual([]);
      expect(parseReminders(null)).toEqual([]);
      expect(parseReminders('  ')).toEqual([]);
    });

    it.each([
      ['0%', /must lie between 0% and 100%/],
      ['100%', /is neither a percentage of the limit \(50%\) nor a duration before the deadline \(-PT1H\)/],
      ['150%', /"150%" is neither a percentage/],
      ['50', /"50" is neither a percentage/],
      ['PT1H', /"PT1H" is neither a percentage/],
      ['50%,', /"" is neither a percentage/],
      ['-P1M', /years and months have no fixed length/],
    ])('given %p, then it is refused', (text, message) => {
      expect(() => parseReminders(text)).toThrow(message);
    });
  });

  describe('parseCycle', () => {
    it.each([
      ['R3/PT2H', { kind: 'cycle', repeat: 3, duration: 'PT2H', start: null, calendar: 'CLOCK' }],
      ['R/P1D', { kind: 'cycle', repeat: null, duration: 'P1D', start: null, calendar: 'CLOCK' }],
      ['R/PT1M', { kind: 'cycle', repeat: null, duration: 'PT1M', start: null, calendar: 'CLOCK' }],
      ['R5/2026-10-01T09:00:00+08:00/PT1H', { kind: 'cycle', repeat: 5, duration: 'PT1H', start: '2026-10-01T01:00:00.000Z', calendar: 'CLOCK' }],
    ])('given %s, then the repeat count, interval and start', (text, spec) => {
      expect(parseCycle(text, 'CLOCK')).toEqual(spec);
    });

    it('given a calendar, then the cycle counts on it', () => {
      expect(parseCycle('R2/PT4H', 'WORKING_HOURS').calendar).toBe('WORKING_HOURS');
    });

    it.each([
      ['R3', /is not of the form R3\/PT2H or R\/P1D/],
      ['PT2H', /is not of the form R3\/PT2H/],
      ['r3/PT2H', /is not of the form R3\/PT2H/],
      ['R-1/PT1H', /is not of the form R3\/PT2H/],
      ['R 3/PT2H', /is not of the form R3\/PT2H/],
      ['R3/PT2H/x/y', /is not of the form R3\/PT2H/],
      ['R0/PT1H', /repeats fewer than once/],
      ['R/PT30S', /repeats more often than once a minute/],
      ['R3/PT0S', /"PT0S" is zero/],
      ['R3/P1M', /years and months have no fixed length/],
      ['R3/', /"" is not an ISO 8601 duration/],
      ['R3/2026-10-01T09:00:00/PT1H', /"2026-10-01T09:00:00" is not a date-time with a zone/],
      ['R3/PT2H/2026-10-01T09:00:00Z', /"PT2H" is not a date-time with a zone/],
    ])('given %p, then it is refused', (text, message) => {
      expect(() => parseCycle(text, 'CLOCK')).toThrow(message);
    });
  });

  describe('parseTimer', () => {
    it('given exactly one of duration, date or cycle, then the matching spec (surrounding spaces ignored)', () => {
      expect(parseTimer({ duration: ' PT2H ' })).toEqual({ kind: 'duration', duration: 'PT2H', calendar: 'CLOCK' });
      expect(parseTimer({ duration: 'P1D', calendar: 'workingDays' })).toEqual({ kind: 'duration', duration: 'P1D', calendar: 'WORKING_DAYS' });
      expect(parseTimer({ date: '2026-10-01T09:00:00+08:00' })).toEqual({ kind: 'date', date: '2026-10-01T01:00:00.000Z' });
      expect(parseTimer({ date: '2026-10-01T09:00:00Z' })).toEqual({ kind: 'date', date: '2026-10-01T09:00:00.000Z' });
      expect(parseTimer({ cycle: 'R3/PT2H', calendar: 'workingHours' })).toEqual({ kind: 'cycle', repeat: 3, duration: 'PT2H', start: null, calendar: 'WORKING_HOURS' });
    });

    it('given relativeTo="deadline", then the timer counts from the task deadline: at it, an offset after it, or a cycle after it', () => {
      expect(parseTimer({ relativeTo: 'deadline' })).toEqual({ kind: 'deadline', offset: null, repeat: null, cycle: null, calendar: 'CLOCK' });
      expect(parseTimer({ relativeTo: 'deadline', duration: 'PT1H', calendar: 'workingHours' })).toEqual({ kind: 'deadline', offset: 'PT1H', repeat: null, cycle: null, calendar: 'WORKING_HOURS' });
      expect(parseTimer({ relativeTo: 'deadline', cycle: 'R3/PT2H' })).toEqual({ kind: 'deadline', offset: null, repeat: 3, cycle: 'PT2H', calendar: 'CLOCK' });
    });

    it.each([
      ['nothing', {}, /the timer has no duration, date or cycle/],
      ['blank expressions', { duration: ' ', date: '', cycle: null }, /the timer has no duration, date or cycle/],
      ['a duration and a cycle', { duration: 'PT1H', cycle: 'R3/PT1H' }, /exactly one of duration, date or cycle/],
      ['a zero duration', { duration: 'PT0S' }, /"PT0S" is zero/],
      ['a duration that is not ISO 8601', { duration: '2 hours' }, /"2 hours" is not an ISO 8601 duration/],
      ['a date without a zone', { date: '2026-10-01T09:00:00' }, /not an ISO 8601 date-time with a zone/],
      ['a date that does not exist (30 February)', { date: '2026-02-30T09:00:00+08:00' }, /not an ISO 8601 date-time with a zone/],
      ['a month that does not exist', { date: '2026-13-01T09:00:00+08:00' }, /not an ISO 8601 date-time/],
      ['an unknown calendar', { duration: 'PT1H', calendar: 'lunar' }, /calendar "lunar" is not one of/],
      ['relativeTo other than deadline', { relativeTo: 'start', duration: 'PT1H' }, /relativeTo "start" is not supported \(only "deadline"\)/],
      ['relativeTo="deadline" with a date', { relativeTo: 'deadline', date: '2026-10-01T09:00:00+08:00' }, /relative to the deadline takes a duration or a cycle, not a date/],
      ['relativeTo="deadline" with a cycle that has a start', { relativeTo: 'deadline', cycle: 'R3/2026-10-01T09:00:00+08:00/PT2H' }, /relative to the deadline has no start date/],
    ])('given %s, then it is refused with a message naming the problem', (_label, def, message) => {
      expect(() => parseTimer(def)).toThrow(message);
    });
  });
});
