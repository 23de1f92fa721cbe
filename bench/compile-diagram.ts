/**
 * A valid GridCase diagram of any size (default 300 flow nodes), drawn (BPMNDI with non-overlapping
 * shapes) so bpmnlint judges it as it would a modeler's diagram. Used by bench/compile.ts to time
 * the compiler and by tests/unit/process-compiler-performance.test.ts to check it compiles.
 *
 * Start → blocks … → fillers → End. Each block is 17 flow nodes:
 *   exclusive split (default flow) → urgent user task (interrupting timer boundary relative to its
 *   deadline → escalateTier service task) | notify service task → exclusive merge →
 *   sub-process (start → user task → end, non-interrupting timer-cycle boundary → notify → end)
 *   → parallel fork → user task | service task → parallel join
 * Service tasks in series fill the remainder so the diagram has exactly `size` flow nodes.
 */
import type { ElementModel } from '../process/model';

export const BENCH_DIAGRAM_SIZE = 300;
export const BLOCK_SIZE = 17;

export type ElementCounts = Record<ElementModel['type'], number>;

export interface GeneratedDiagram {
  xml: string;
  /** flow nodes by model type, as emitted */
  counts: ElementCounts;
  /** sequence flows emitted */
  flows: number;
}

interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A count of zero for every element type of the model. */
export function zeroCounts(): ElementCounts {
  return {
    startEvent: 0,
    endEvent: 0,
    userTask: 0,
    serviceTask: 0,
    exclusiveGateway: 0,
    parallelGateway: 0,
    inclusiveGateway: 0,
    subProcess: 0,
    boundaryEvent: 0,
    intermediateCatchEvent: 0,
  };
}

export function generateDiagram(size: number = BENCH_DIAGRAM_SIZE): GeneratedDiagram {
  if (!Number.isInteger(size) || size < 2) throw new Error('a diagram has at least a start and an end event');
  const counts = zeroCounts();
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  const flowXml: string[] = [];
  const shapes: string[] = [];
  const edges: string[] = [];
  const bounds = new Map<string, Bounds>();

  const shape = (id: string, b: Bounds, expanded = false) => {
    bounds.set(id, b);
    shapes.push(`      <bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"${expanded ? ' isExpanded="true"' : ''}><dc:Bounds x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" /></bpmndi:BPMNShape>`);
  };
  const flow = (id: string, source: string, target: string, extra: { name?: string; condition?: string } = {}) => {
    (outgoing.get(source) ?? outgoing.set(source, []).get(source)!).push(id);
    (incoming.get(target) ?? incoming.set(target, []).get(target)!).push(id);
    const name = extra.name ? ` name="${extra.name}"` : '';
    const body = extra.condition ? `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${extra.condition}</bpmn:conditionExpression>` : '';
    flowXml.push(body ? `<bpmn:sequenceFlow id="${id}"${name} sourceRef="${source}" targetRef="${target}">${body}</bpmn:sequenceFlow>` : `<bpmn:sequenceFlow id="${id}"${name} sourceRef="${source}" targetRef="${target}" />`);
    const s = bounds.get(source)!;
    const t = bounds.get(target)!;
    edges.push(
      `      <bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}"><di:waypoint x="${s.x + s.width / 2}" y="${s.y + s.height / 2}" /><di:waypoint x="${t.x + t.width / 2}" y="${t.y + t.height / 2}" /></bpmndi:BPMNEdge>`,
    );
  };
  const refs = (id: string) => [...(incoming.get(id) ?? []).map((f) => `<bpmn:incoming>${f}</bpmn:incoming>`), ...(outgoing.get(id) ?? []).map((f) => `<bpmn:outgoing>${f}</bpmn:outgoing>`)].join('');

  // Nodes are declared first (for DI bounds), written after all flows are known (for incoming/outgoing).
  type Node = { id: string; type: ElementModel['type']; write: () => string };
  const top: Node[] = [];
  const node = (list: Node[], id: string, type: ElementModel['type'], b: Bounds, open: string, close: string, inner = '', expanded = false): Node => {
    counts[type] += 1;
    shape(id, b, expanded);
    const n = { id, type, write: () => `${open}${refs(id)}${inner}${close}` };
    list.push(n);
    return n;
  };
  const event = (x: number, y: number): Bounds => ({ x, y, width: 36, height: 36 });
  const task = (x: number, y: number): Bounds => ({ x, y, width: 100, height: 80 });
  const gateway = (x: number, y: number): Bounds => ({ x, y, width: 50, height: 50 });
  const COL = 140;

  const blocks = Math.floor((size - 2) / BLOCK_SIZE);
  const fillers = size - 2 - blocks * BLOCK_SIZE;

  node(top, 'Start', 'startEvent', event(20, 42), '<bpmn:startEvent id="Start" name="上报">', '</bpmn:startEvent>');
  let previous = 'Start';

  for (let i = 0; i < blocks; i++) {
    const y = 20 + i * 300;
    const x = (c: number) => 100 + c * COL;
    const s = (name: string) => `${name}_${i}`;

    node(top, s('Gateway_Split'), 'exclusiveGateway', gateway(x(0), y + 15), `<bpmn:exclusiveGateway id="${s('Gateway_Split')}" name="严重程度？" default="${s('Flow_Normal')}">`, '</bpmn:exclusiveGateway>');
    node(
      top,
      s('Task_Urgent'),
      'userTask',
      task(x(1), y),
      `<bpmn:userTask id="${s('Task_Urgent')}" name="紧急处置" grid:status="IN_PROGRESS" grid:statusLabel="处置中" grid:assignee="tier:current" grid:deadline="PT4H" grid:calendar="workingHours" grid:reminders="50%,-PT1H" grid:outcomes="done,cannotHandle">`,
      '</bpmn:userTask>',
      '<bpmn:extensionElements><grid:form>{"type":"object","required":["feedback"],"properties":{"feedback":{"type":"string","minLength":1}}}</grid:form></bpmn:extensionElements>',
    );
    node(
      top,
      s('Timer_UrgentOverdue'),
      'boundaryEvent',
      event(x(1) + 32, y + 62),
      `<bpmn:boundaryEvent id="${s('Timer_UrgentOverdue')}" name="超时" attachedToRef="${s('Task_Urgent')}">`,
      '</bpmn:boundaryEvent>',
      '<bpmn:timerEventDefinition grid:relativeTo="deadline" />',
    );
    node(top, s('Service_Escalate'), 'serviceTask', task(x(2), y + 140), `<bpmn:serviceTask id="${s('Service_Escalate')}" name="逐级上报" grid:action="escalateTier">`, '</bpmn:serviceTask>');
    node(
      top,
      s('Service_Notify'),
      'serviceTask',
      task(x(2), y),
      `<bpmn:serviceTask id="${s('Service_Notify')}" name="通知处置" grid:action="notify" grid:target="role:handler@tier:current" grid:message="请处置">`,
      '</bpmn:serviceTask>',
    );
    node(top, s('Gateway_Merge'), 'exclusiveGateway', gateway(x(3), y + 15), `<bpmn:exclusiveGateway id="${s('Gateway_Merge')}" name="汇合">`, '</bpmn:exclusiveGateway>');

    const sub: Node[] = [];
    const subBox: Bounds = { x: x(4), y, width: 380, height: 140 };
    node(sub, s('Sub_Start'), 'startEvent', event(subBox.x + 20, y + 52), `<bpmn:startEvent id="${s('Sub_Start')}" name="开始">`, '</bpmn:startEvent>');
    node(
      sub,
      s('Sub_Task'),
      'userTask',
      task(subBox.x + 120, y + 30),
      `<bpmn:userTask id="${s('Sub_Task')}" name="部门处置" grid:assignee="department:CG" grid:deadline="P1D" grid:calendar="workingDays">`,
      '</bpmn:userTask>',
    );
    node(sub, s('Sub_End'), 'endEvent', event(subBox.x + 300, y + 52), `<bpmn:endEvent id="${s('Sub_End')}" name="完成">`, '</bpmn:endEvent>');
    flow(s('Flow_SubIn'), s('Sub_Start'), s('Sub_Task'));
    flow(s('Flow_SubOut'), s('Sub_Task'), s('Sub_End'));
    counts.subProcess += 1;
    shape(s('SubProcess'), subBox, true);
    const subId = s('SubProcess');
    top.push({
      id: subId,
      type: 'subProcess',
      write: () => `<bpmn:subProcess id="${subId}" name="部门处置">${refs(subId)}\n${sub.map((n) => `      ${n.write()}`).join('\n')}\n${flowXml.filter((f) => f.includes(`id="${s('Flow_SubIn')}"`) || f.includes(`id="${s('Flow_SubOut')}"`)).map((f) => `      ${f}`).join('\n')}\n    </bpmn:subProcess>`,
    });
    node(
      top,
      s('Timer_SubUrge'),
      'boundaryEvent',
      event(subBox.x + 172, y + 122),
      `<bpmn:boundaryEvent id="${s('Timer_SubUrge')}" name="催办" cancelActivity="false" attachedToRef="${subId}">`,
      '</bpmn:boundaryEvent>',
      '<bpmn:timerEventDefinition grid:calendar="workingHours"><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/PT2H</bpmn:timeCycle></bpmn:timerEventDefinition>',
    );
    node(
      top,
      s('Service_Urge'),
      'serviceTask',
      task(x(5), y + 180),
      `<bpmn:serviceTask id="${s('Service_Urge')}" name="督办" grid:action="notify" grid:target="role:supervisor@tier:parent" grid:message="请督办">`,
      '</bpmn:serviceTask>',
    );
    node(top, s('End_Urged'), 'endEvent', event(x(7), y + 202), `<bpmn:endEvent id="${s('End_Urged')}" name="已督办">`, '</bpmn:endEvent>');
    node(top, s('Gateway_Fork'), 'parallelGateway', gateway(x(7), y + 15), `<bpmn:parallelGateway id="${s('Gateway_Fork')}" name="并行">`, '</bpmn:parallelGateway>');
    node(top, s('Task_Verify'), 'userTask', task(x(8), y), `<bpmn:userTask id="${s('Task_Verify')}" name="核查" grid:assignee="reporter" grid:deadline="PT8H">`, '</bpmn:userTask>');
    node(top, s('Service_Evaluate'), 'serviceTask', task(x(8), y + 140), `<bpmn:serviceTask id="${s('Service_Evaluate')}" name="评价" grid:action="evaluate">`, '</bpmn:serviceTask>');
    node(top, s('Gateway_Join'), 'parallelGateway', gateway(x(9), y + 15), `<bpmn:parallelGateway id="${s('Gateway_Join')}" name="汇合">`, '</bpmn:parallelGateway>');

    flow(s('Flow_Enter'), previous, s('Gateway_Split'));
    flow(s('Flow_Urgent'), s('Gateway_Split'), s('Task_Urgent'), { name: '紧急', condition: 'severity &gt;= 3' });
    flow(s('Flow_Normal'), s('Gateway_Split'), s('Service_Notify'), { name: '一般' });
    flow(s('Flow_UrgentDone'), s('Task_Urgent'), s('Gateway_Merge'));
    flow(s('Flow_Overdue'), s('Timer_UrgentOverdue'), s('Service_Escalate'));
    flow(s('Flow_Escalated'), s('Service_Escalate'), s('Gateway_Merge'));
    flow(s('Flow_Notified'), s('Service_Notify'), s('Gateway_Merge'));
    flow(s('Flow_ToSub'), s('Gateway_Merge'), subId);
    flow(s('Flow_Urge'), s('Timer_SubUrge'), s('Service_Urge'));
    flow(s('Flow_Urged'), s('Service_Urge'), s('End_Urged'));
    flow(s('Flow_ToFork'), subId, s('Gateway_Fork'));
    flow(s('Flow_ToVerify'), s('Gateway_Fork'), s('Task_Verify'));
    flow(s('Flow_ToEvaluate'), s('Gateway_Fork'), s('Service_Evaluate'));
    flow(s('Flow_Verified'), s('Task_Verify'), s('Gateway_Join'));
    flow(s('Flow_Evaluated'), s('Service_Evaluate'), s('Gateway_Join'));
    previous = s('Gateway_Join');
  }

  const fillY = 20 + blocks * 300;
  for (let j = 0; j < fillers; j++) {
    const id = `Service_Fill_${j}`;
    node(top, id, 'serviceTask', task(100 + j * COL, fillY), `<bpmn:serviceTask id="${id}" name="通知${j}" grid:action="notify" grid:target="reporter" grid:message="进展">`, '</bpmn:serviceTask>');
    flow(`Flow_Fill_${j}`, previous, id);
    previous = id;
  }
  node(top, 'End', 'endEvent', event(100 + fillers * COL, fillY + 22), '<bpmn:endEvent id="End" name="结案" grid:status="CLOSED" grid:statusLabel="已结案">', '</bpmn:endEvent>');
  flow('Flow_End', previous, 'End');

  const topFlows = flowXml.filter((f) => !/id="Flow_Sub(In|Out)_/.test(f));
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:grid="https://gridcase.cn/schema/bpmn/grid/1.0" id="Definitions_Bench" targetNamespace="https://gridcase.cn/bench">
  <bpmn:process id="bench-${size}" name="基准流程 ${size}" isExecutable="true">
${top.map((n) => `    ${n.write()}`).join('\n')}
${topFlows.map((f) => `    ${f}`).join('\n')}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_Bench">
    <bpmndi:BPMNPlane id="Plane_Bench" bpmnElement="bench-${size}">
${shapes.join('\n')}
${edges.join('\n')}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
  return { xml, counts, flows: flowXml.length };
}
