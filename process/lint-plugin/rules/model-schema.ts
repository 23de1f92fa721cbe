import { gridcaseRule } from '../rule';

/**
 * The compiled model conforms to schema/process-model.schema.json.
 */
export default function modelSchema() {
  return gridcaseRule('model-schema');
}
