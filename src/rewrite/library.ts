// The rule files, loaded once on first use (the bundle carries them as text).
import differentialText from '../../rules/differential.rules';
import isolationText from '../../rules/isolation.rules';
import jacobianText from '../../rules/jacobian.rules';
import kronText from '../../rules/kron.rules';
import simplifyText from '../../rules/simplify.rules';
import { type CompiledRules, compileRules, loadCompiled } from './compiled.js';
import { loadRules, type Rule } from './rule.js';

/** Defined by the bundle build (scripts/build.js): the rules already parsed. */
declare const MATCALC_COMPILED_RULES: string | undefined;

export type RuleFile = 'differential' | 'isolation' | 'simplify' | 'kron' | 'jacobian';

const TEXTS: Record<RuleFile, string> = { differential: differentialText, isolation: isolationText, simplify: simplifyText, kron: kronText, jacobian: jacobianText };
const loaded = new Map<RuleFile, readonly Rule[]>();

if (typeof MATCALC_COMPILED_RULES === 'string') {
  for (const [file, list] of Object.entries(loadCompiled(JSON.parse(MATCALC_COMPILED_RULES) as CompiledRules))) loaded.set(file as RuleFile, list);
}

/** Every rule file parsed and flattened for the build (see src/rewrite/compiled.ts). */
export function compiledRules(): CompiledRules {
  return compileRules(Object.fromEntries((Object.keys(TEXTS) as RuleFile[]).map((file) => [file, rules(file)])));
}

export function rules(file: RuleFile): readonly Rule[] {
  let list = loaded.get(file);
  if (!list) {
    list = loadRules(TEXTS[file], `${file}.rules`);
    loaded.set(file, list);
  }
  return list;
}
