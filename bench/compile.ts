/**
 * Compile time of a generated, valid 300-element diagram (bench/compile-diagram.ts): the full
 * compile (parse, model, GridCase lint, schema, bpmnlint) and the same without bpmnlint, plus
 * parsing alone. Median of 20 runs after 3 warm-ups each.
 *
 *   node --import tsx bench/compile.ts [elements] [runs]
 */
import { compileBpmn, parseBpmn } from '../process/compiler';
import { BENCH_DIAGRAM_SIZE, generateDiagram } from './compile-diagram';

const WARMUPS = 3;

interface Row {
  variant: string;
  times: number[];
  ok: number;
}

async function measure(variant: string, runs: number, once: () => Promise<boolean>): Promise<Row> {
  for (let i = 0; i < WARMUPS; i++) await once();
  const times: number[] = [];
  let ok = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const good = await once();
    times.push(performance.now() - t0);
    if (good) ok += 1;
  }
  return { variant, times, ok };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const size = Number(process.argv[2] ?? BENCH_DIAGRAM_SIZE);
  const runs = Number(process.argv[3] ?? 20);
  const { xml, flows } = generateDiagram(size);
  const rows = [
    await measure('compile (with bpmnlint)', runs, async () => (await compileBpmn(xml)).ok),
    await measure('compile --no bpmnlint', runs, async () => (await compileBpmn(xml, { bpmnlint: false })).ok),
    await measure('parse only (bpmn-moddle)', runs, async () => !!(await parseBpmn(xml)).definitions),
  ];
  const ms = (n: number) => n.toFixed(1);
  const table = [
    ['variant', 'median ms', 'min ms', 'max ms', 'ok runs'],
    ...rows.map((r) => [r.variant, ms(median(r.times)), ms(Math.min(...r.times)), ms(Math.max(...r.times)), `${r.ok}/${r.times.length}`]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  console.log(`diagram: ${size} flow nodes, ${flows} sequence flows, ${(Buffer.byteLength(xml) / 1024).toFixed(0)} KiB; ${WARMUPS} warm-ups, ${runs} runs each; node ${process.version}`);
  console.log(line(table[0]));
  console.log(`|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of table.slice(1)) console.log(line(row));
  const withLint = median(rows[0].times);
  const withoutLint = median(rows[1].times);
  console.log(`bpmnlint share of the median compile: ${ms(withLint - withoutLint)} ms (${((100 * (withLint - withoutLint)) / withLint).toFixed(0)}%)`);
  if (rows.some((r) => r.ok !== r.times.length)) {
    console.error('some runs did not compile: the benchmark diagram should always be valid');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
