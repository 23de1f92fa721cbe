/** `npm run -s cli -- process compile <file.bpmn>`: the compiler on the command line. */
import fs from 'node:fs';
import { compileBpmn, UnreadableDiagramError } from '../../process/compiler';

/** 0: model printed; 1: compile errors printed as {"errors":[…]}; 2: unreadable input. */
export async function compileProcessFile(file: string): Promise<number> {
  let xml: string;
  try {
    xml = fs.readFileSync(file, 'utf8');
  } catch (e) {
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
