/**
 * The live lint's configuration: the very same rules and resolver the server's compiler uses
 * (process/lint-config), so the canvas and a deployment can never disagree.
 */
export { config as lintConfig, resolver as lintResolver } from '@process/lint-config';
