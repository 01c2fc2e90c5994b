// The rule files, loaded once on first use (the bundle carries them as text).
import differentialText from '../../rules/differential.rules';
import isolationText from '../../rules/isolation.rules';
import kronText from '../../rules/kron.rules';
import simplifyText from '../../rules/simplify.rules';
import { loadRules, type Rule } from './rule.js';

export type RuleFile = 'differential' | 'isolation' | 'simplify' | 'kron';

const TEXTS: Record<RuleFile, string> = { differential: differentialText, isolation: isolationText, simplify: simplifyText, kron: kronText };
const loaded = new Map<RuleFile, readonly Rule[]>();

export function rules(file: RuleFile): readonly Rule[] {
  let list = loaded.get(file);
  if (!list) {
    list = loadRules(TEXTS[file], `${file}.rules`);
    loaded.set(file, list);
  }
  return list;
}
