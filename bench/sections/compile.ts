/** Compile time of a generated 300-element diagram (bench/compile-diagram.ts), median and p95 of 20 runs. */
import { compileBpmn } from '../../process/compiler';
import { BENCH_DIAGRAM_SIZE, generateDiagram } from '../compile-diagram';
import { summarize } from '../lib/stats';
import type { BenchSection } from '../lib/types';

export const compileSection: BenchSection = {
  id: 'compile',
  title: 'Compile',
  async run(ctx) {
    const { xml, flows } = generateDiagram(BENCH_DIAGRAM_SIZE);
    const runs = ctx.quick ? 5 : 20;
    const time = async (opts?: { bpmnlint: boolean }) => {
      for (let i = 0; i < 3; i++) await compileBpmn(xml, opts);
      const t: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = await compileBpmn(xml, opts);
        t.push(performance.now() - t0);
        if (!r.ok) throw new Error('the benchmark diagram did not compile');
      }
      return summarize(t);
    };
    const full = await time();
    const noLint = await time({ bpmnlint: false });
    return {
      id: 'compile',
      title: 'Compile',
      rows: [
        { measure: `${BENCH_DIAGRAM_SIZE}-element diagram, median (with bpmnlint)`, value: full.p50, unit: 'ms', target: '≤ 200 ms', met: full.p50 <= 200 },
        { measure: `${BENCH_DIAGRAM_SIZE}-element diagram, p95 (with bpmnlint)`, value: full.p95, unit: 'ms' },
        { measure: 'median without bpmnlint', value: noLint.p50, unit: 'ms' },
      ],
      notes: [],
      details: { elements: BENCH_DIAGRAM_SIZE, flows, bytes: Buffer.byteLength(xml), full, noLint },
    };
  },
};
