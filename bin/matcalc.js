#!/usr/bin/env node
// npm links this committed shim as `matcalc`. It runs the CLI bundle (dist/cli.cjs, built by
// `npm install`) with V8's code cache, which the build writes beside it: compiling the
// bundle is about a fifth of a run's start-up. A cache V8 rejects (another Node) is ignored.
// CommonJS (bin/package.json): Node's ESM loader would cost a run ~10 ms before any of ours.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, '..', 'dist', 'cli.cjs');
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// The build makes the bundle ASCII (scripts/build.js): latin1 reads it as a one-byte string.
const script = new Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file, cachedData });
if (process.env.MATCALC_WRITE_CODE_CACHE === '1') {
  // The build primes the cache after a whole run, so the functions a run uses are in it.
  process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, Module.createRequire(file), module_, file, dirname(file));
