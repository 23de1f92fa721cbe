/**
 * One compile per definitions tree per lint. Each of the plugin's rules reports one family of the
 * issues compileDefinitions finds; they share one compile of the tree they are given, kept in a
 * WeakMap keyed by the Definitions object.
 *
 * The designer lints the tree bpmn-js is editing, the same object after every change, so a
 * compile is kept only while one lint runs: bpmnlint applies its rules one after another in one
 * synchronous pass, and the entry is dropped in the microtask after it (the next lint, after an
 * edit, compiles afresh). The server, which compiles first (it needs the model) and then lints,
 * lends its compile for the whole lint with withCompiled.
 */
import { compileDefinitions, type CompiledDefinitions } from './compile';

const compiles = new WeakMap<object, CompiledDefinitions>();

/** The compile of `definitions` for the lint running now. */
export function compiledFor(definitions: object): CompiledDefinitions {
  const cached = compiles.get(definitions);
  if (cached) return cached;
  const compiled = compileDefinitions(definitions);
  compiles.set(definitions, compiled);
  void Promise.resolve().then(() => {
    if (compiles.get(definitions) === compiled) compiles.delete(definitions);
  });
  return compiled;
}

/** Runs `lint` with `compiled` as the compile its rules see for `definitions` (until it settles). */
export async function withCompiled<T>(definitions: object, compiled: CompiledDefinitions, lint: () => Promise<T>): Promise<T> {
  compiles.set(definitions, compiled);
  try {
    return await lint();
  } finally {
    if (compiles.get(definitions) === compiled) compiles.delete(definitions);
  }
}
