/** `npm run -s cli -- process compile <file.bpmn>`: the compiler on the command line. */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { compileBpmn, MAX_DIAGRAM_BYTES, UnreadableDiagramError } from '../process/compiler';

/**
 * The file as text, read no further than the diagram limit (a huge file, or a device such as
 * /dev/zero, is refused without reading it whole); the compiler then makes the same checks as the
 * API before parsing (process/compiler.ts checkDiagramSource: no DOCTYPE, no entities).
 */
function readDiagram(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(MAX_DIAGRAM_BYTES + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = fs.readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_DIAGRAM_BYTES) throw new UnreadableDiagramError(`the diagram is larger than ${MAX_DIAGRAM_BYTES} bytes`, 'too-large');
    if (!isUtf8(buf.subarray(0, n))) throw new UnreadableDiagramError('the file is not UTF-8');
    return buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** 0: model printed; 1: compile errors printed as {"errors":[…]}; 2: unreadable input. */
export async function compileProcessFile(file: string): Promise<number> {
  let xml: string;
  try {
    xml = readDiagram(file);
  } catch (e) {
    if (e instanceof UnreadableDiagramError) {
      process.stderr.write(`gridcase: ${file} is unreadable: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`gridcase: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 2;
  }
  try {
    const result = await compileBpmn(xml);
    if (result.ok) {
      process.stdout.write(`${JSON.stringify(result.model, null, 2)}\n`);
      for (const w of result.warnings) process.stderr.write(`warning: ${w.element} (${w.type}): ${w.message}\n`);
      return 0;
    }
    const errors = result.errors.map(({ element, type, message, rule }) => ({ element, type, message, rule }));
    process.stdout.write(`${JSON.stringify({ errors }, null, 2)}\n`);
    return 1;
  } catch (e) {
    if (e instanceof UnreadableDiagramError) {
      process.stderr.write(`gridcase: ${file} is unreadable: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
