#!/usr/bin/env node
// npm links this committed shim as `matcalc`. It runs the CLI bundle (dist/cli.cjs, built by
// `npm install`) with V8's code cache, which the build writes beside it: compiling the
// bundle is about a fifth of a run's start-up. A cache V8 rejects (another Node) is ignored.
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const file = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
if (process.env.MATCALC_WRITE_CODE_CACHE === '1') {
  // The build primes the cache after a whole run, so the functions a run uses are in it.
  process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
