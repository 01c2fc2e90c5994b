// The rule files, loaded once on first use (the bundle carries them as text).
import differentialText from '../../rules/differential.rules';
import expandText from '../../rules/expand.rules';
import isolationText from '../../rules/isolation.rules';
import jacobianText from '../../rules/jacobian.rules';
import prepareText from '../../rules/prepare.rules';
import simplifyText from '../../rules/simplify.rules';
import { type CompiledRules, compileRules, loadCompiled } from './compiled.js';
import { loadRules, type Rule } from './rule.js';
import { BASE, within } from '../session.js';

/** Defined by the bundle build (scripts/build.js): the rules already parsed. */
declare const MATCALC_COMPILED_RULES: string | undefined;

export type RuleFile = 'differential' | 'isolation' | 'simplify' | 'prepare' | 'jacobian' | 'expand';

const TEXTS: Record<RuleFile, string> = { differential: differentialText, isolation: isolationText, simplify: simplifyText, prepare: prepareText, expand: expandText, jacobian: jacobianText };
const loaded = new Map<RuleFile, readonly Rule[]>();

if (typeof MATCALC_COMPILED_RULES === 'string') {
  const compiled = within(BASE, () => loadCompiled(JSON.parse(MATCALC_COMPILED_RULES!) as CompiledRules));
  for (const [file, list] of Object.entries(compiled)) loaded.set(file as RuleFile, list);
}

/** Every rule file parsed and flattened for the build (see src/rewrite/compiled.ts). */
export function compiledRules(): CompiledRules {
  return compileRules(Object.fromEntries((Object.keys(TEXTS) as RuleFile[]).map((file) => [file, rules(file)])));
}

/** A rule file's rules, loaded on first use into the base session (src/session.ts): they
 *  outlive every session that uses them. A cache of one entry per file. */
export function rules(file: RuleFile): readonly Rule[] {
  let list = loaded.get(file);
  if (!list) {
    list = within(BASE, () => loadRules(TEXTS[file], `${file}.rules`));
    loaded.set(file, list);
  }
  return list;
}

/** Data prepared once from rules (indexed rule sets, templates): built in the base session
 *  too, whichever session first needs it. */
export function prepared<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= within(BASE, build));
}
