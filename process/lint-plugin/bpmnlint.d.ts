// bpmnlint is CommonJS without type declarations (but for lib/types.d.ts): the modules GridCase imports.
declare module 'bpmnlint' {
  import type { Config, ModdleElement, Report, Resolver } from 'bpmnlint/lib/types';
  export class Linter {
    constructor(options: { config?: Config; resolver: Resolver });
    /** reports by rule name (bpmnlint's rules bare, a plugin's <plugin>/<rule>); category error, warn, info or rule-error */
    lint(moddleRoot: ModdleElement, config?: Config): Promise<Record<string, (Report & { category: string })[]>>;
    /** the rules a config turns on (not off), resolved */
    resolveRules(config: Config): Promise<{ name: string; category: string; config: unknown }[]>;
  }
}

declare module 'bpmnlint/lib/resolver/static-resolver' {
  import type { Resolver } from 'bpmnlint/lib/types';
  /** Resolves from `cache`: keys `rule:<pkg>/<rule>` and `config:<pkg>/<config>`. */
  const StaticResolver: new (cache: Record<string, unknown>) => Resolver;
  export default StaticResolver;
}

declare module 'bpmnlint/rules/*' {
  import type { RuleFactory } from 'bpmnlint/lib/types';
  const rule: RuleFactory;
  export default rule;
}

declare module 'bpmnlint/config/*' {
  import type { Config } from 'bpmnlint/lib/types';
  const config: Config;
  export default config;
}
