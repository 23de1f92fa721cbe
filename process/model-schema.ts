/** ajv validation of compiled models against schema/process-model.schema.json (server side). */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../schema/process-model.schema.json';

let validator: ReturnType<Ajv2020['compile']> | undefined;

/** Messages for every way the model breaks the schema (empty when it conforms). */
export function validateModelSchema(model: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  if (validator(model)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
