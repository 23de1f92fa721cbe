/** The reference processes (diagrams/*.bpmn, bundled), to start a new process from, and a blank one. */
const files = import.meta.glob('../../../diagrams/*.bpmn', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const NAMES: Record<string, { zh: string; en: string }> = {
  'standard-closed-loop': { zh: '标准闭环', en: 'Standard closed loop' },
  'dual-dispatch': { zh: '双派单', en: 'Dual dispatch' },
  'dispute-mediation': { zh: '矛盾纠纷调解', en: 'Dispute mediation' },
  emergency: { zh: '应急处置', en: 'Emergency' },
};

export interface Template {
  key: string;
  zh: string;
  en: string;
  xml: string;
}

export const templates: Template[] = Object.entries(files)
  .map(([path, xml]) => {
    const key = path.replace(/^.*\//, '').replace(/\.bpmn$/, '');
    return { key, zh: NAMES[key]?.zh ?? key, en: NAMES[key]?.en ?? key, xml };
  })
  .sort((a, b) => a.key.localeCompare(b.key));

/** A process that compiles: 受理 by the current tier within the category's limit, then the end. */
export function blankProcess(key: string, name: string): string {
  const id = `Process_${key.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:grid="https://gridcase.cn/schema/bpmn/grid/1.0" id="Definitions_${id}" targetNamespace="https://gridcase.cn/processes">
  <bpmn:process id="${id}" name="${esc(name)}" isExecutable="true">
    <bpmn:startEvent id="Start" name="上报"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Accept" name="受理" grid:assignee="tier:current" grid:deadline="category" grid:status="REPORTED" grid:statusLabel="待受理"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="结案"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Accept" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Accept" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_${id}">
    <bpmndi:BPMNPlane id="Plane_${id}" bpmnElement="${id}">
      <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Accept_di" bpmnElement="Accept"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}
