// bpmn-moddle ships its types behind package "exports", which moduleResolution node10 does not read.
declare module 'bpmn-moddle' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export const BpmnModdle: new (packages?: Record<string, unknown>) => any;
}
