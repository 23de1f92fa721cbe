/**
 * The diagram bench/compile.ts times (bench/compile-diagram.ts) is a valid GridCase process: it
 * compiles, with bpmnlint, into a model with exactly the elements generated. Correctness only:
 * timings are measured and reported by `node --import tsx bench/compile.ts`, never asserted.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { BENCH_DIAGRAM_SIZE, BLOCK_SIZE, generateDiagram, zeroCounts, type ElementCounts } from '../../bench/compile-diagram';
import { compileBpmn } from '../../process/compiler';
import type { ProcessModel } from '../../process/model';
import modelSchema from '../../schema/process-model.schema.json';

function countByType(model: ProcessModel): ElementCounts {
  const counts: ElementCounts = zeroCounts();
  for (const el of Object.values(model.elements)) counts[el.type] += 1;
  return counts;
}

describe('the benchmark diagram (bench/compile-diagram.ts)', () => {
  it('is 300 flow nodes by default', () => {
    expect(BENCH_DIAGRAM_SIZE).toBe(300);
  });

  it('given the 300-element diagram, when compiled with bpmnlint, then it is ok, without warnings, with exactly 300 elements and 299 flows of the generated kinds', async () => {
    const { xml, counts, flows } = generateDiagram();
    const result = await compileBpmn(xml);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    const { model } = result;
    expect(Object.keys(model.elements)).toHaveLength(300);
    expect(Object.keys(model.flows)).toHaveLength(299);
    expect(flows).toBe(299);
    // 17 blocks of 17 flow nodes, a start, an end and 9 service tasks in series
    const blocks = Math.floor(298 / BLOCK_SIZE);
    expect(blocks).toBe(17);
    expect(counts).toEqual({
      startEvent: 1 + blocks,
      endEvent: 1 + 2 * blocks,
      userTask: 3 * blocks,
      serviceTask: 4 * blocks + 9,
      exclusiveGateway: 2 * blocks,
      parallelGateway: 2 * blocks,
      inclusiveGateway: 0,
      subProcess: blocks,
      boundaryEvent: 2 * blocks,
      intermediateCatchEvent: 0,
    });
    expect(countByType(model)).toEqual(counts);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(modelSchema);
    expect(validate(model) ? [] : validate.errors).toEqual([]);
  });

  it('given the 300-element diagram, then the model carries the timers, sub-process scopes and default flows that were drawn', async () => {
    const result = await compileBpmn(generateDiagram().xml);
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.element}: ${e.message}`).join('\n'));
    const { elements } = result.model;
    expect(elements.Timer_UrgentOverdue_0).toMatchObject({ type: 'boundaryEvent', attachedTo: 'Task_Urgent_0', interrupting: true, trigger: { kind: 'timer', timer: { kind: 'deadline' } } });
    expect(elements.Timer_SubUrge_16).toMatchObject({ type: 'boundaryEvent', attachedTo: 'SubProcess_16', interrupting: false, trigger: { kind: 'timer', timer: { kind: 'cycle', repeat: 3, duration: 'PT2H', calendar: 'WORKING_HOURS' } } });
    expect(elements.Gateway_Split_8).toMatchObject({ type: 'exclusiveGateway', default: 'Flow_Normal_8' });
    expect(elements.SubProcess_3).toMatchObject({ type: 'subProcess', start: 'Sub_Start_3', boundary: ['Timer_SubUrge_3'] });
    expect(elements.Sub_Task_3.scope).toBe('SubProcess_3');
  });

  it('given the 300-element diagram, when compiled without bpmnlint, then the model is the same', async () => {
    const { xml } = generateDiagram();
    const withLint = await compileBpmn(xml);
    const withoutLint = await compileBpmn(xml, { bpmnlint: false });
    expect(withoutLint.ok).toBe(true);
    expect(withoutLint.ok && withLint.ok && withoutLint.model).toEqual(withLint.ok && withLint.model);
  });

  it.each([2, 3, BLOCK_SIZE + 1, BLOCK_SIZE + 2, 50, 120])('given a size of %d, then the generated diagram compiles to exactly that many elements', async (size) => {
    const { xml } = generateDiagram(size);
    const result = await compileBpmn(xml);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && Object.keys(result.model.elements).length).toBe(size);
  });

  it('given a size below 2, then the generator refuses (a process needs a start and an end)', () => {
    expect(() => generateDiagram(1)).toThrow(/at least a start and an end/);
  });
});
