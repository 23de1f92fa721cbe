// Packages of the bpmn.io ecosystem that ship no type declarations.
declare module 'bpmn-js-properties-panel';
declare module 'bpmn-js-bpmnlint';
declare module 'bpmn-js-differ';
declare module 'bpmn-moddle';
