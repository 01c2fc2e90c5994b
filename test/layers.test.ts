// Layers run one way (STYLE.md): ops → grammar → expr → rewrite → calculus → simplify →
// print / numeric → derive (the pipeline) → check → index → web (the playground) → cli. An import that points back up the list fails here.
// The operator table (src/ops) is below the grammar, which reads its spellings; it uses
// only the dense linear algebra (src/numeric/linalg.ts), a leaf.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { expect, test } from '@jest/globals';

const LAYERS: [string, number][] = [
  ['src/session.ts', 0], ['src/errors.ts', 0], ['src/limits.ts', 0], ['src/rules.d.ts', 0], ['src/numeric/linalg.ts', 0], ['src/ops/', 0.5], ['grammar/', 1], ['src/expr/', 2], ['src/rewrite/', 3], ['src/calculus/', 4],
  ['src/simplify/', 5], ['src/print/', 6], ['src/numeric/', 6], ['src/derive.ts', 6.5], ['src/check/', 7], ['src/index.ts', 8], ['web/', 8.5], ['cli.ts', 9],
];
const layerOf = (file: string): number | undefined => LAYERS.find(([prefix]) => file.startsWith(prefix))?.[1];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('no module imports from a later layer', () => {
  const backEdges: string[] = [];
  for (const file of [...sources('grammar'), ...sources('src'), ...sources('web'), 'cli.ts']) {
    const layer = layerOf(file);
    if (layer === undefined) backEdges.push(`${file} has no layer`);
    if (layer === undefined) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = relative('.', normalize(join(dirname(file), match[1]!))).replace(/\.js$/, '.ts');
      const targetLayer = layerOf(target);
      if (targetLayer !== undefined && targetLayer > layer) backEdges.push(`${file} → ${target}`);
    }
  }
  expect(backEdges).toEqual([]);
});
