// Builds the CLI and the library as single ESM bundles (fast start-up) and the type
// declarations. Run by `npm install` (prepare) and `npm run build`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// CommonJS dependencies (commander) call require(); an ESM bundle has none without this.
const banner = { js: "import { createRequire as __matcalcCreateRequire } from 'node:module'; const require = __matcalcCreateRequire(import.meta.url);" };
let common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', banner, define: { MATCALC_VERSION: JSON.stringify(pkg.version) }, logLevel: 'warning', legalComments: 'none', loader: { '.rules': 'text' } };

/** Builtins a run seldom needs, loaded on first use instead of at start-up: commander
 *  requires node:child_process at load, for executable subcommands, which matcalc has none
 *  of (with node:net, ~4 ms of every run); node:tty requires node:net and the streams, and
 *  the command line asks it only whether to colour an error or draw a progress bar. */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    // The stand-in's own require of the module is the real one.
    b.onResolve({ filter: /^(node:)?(child_process|tty)$/ }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' });
    // One getter per export (the names read here, from this Node): what a CommonJS caller
    // reads and what esbuild's ESM interop copies are getters that load the module when read.
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: [
        `let real; const load = () => (real ??= require('node:${args.path}'));`,
        ...Object.keys(createRequire(import.meta.url)(`node:${args.path}`)).map((key) => `Object.defineProperty(exports, ${JSON.stringify(key)}, { enumerable: true, get: () => load()[${JSON.stringify(key)}] });`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

mkdirSync('dist', { recursive: true });
// Parse the rule files once, here, and hand the result to the bundles (start-up time).
await build({ ...common, entryPoints: ['scripts/compile-rules.ts'], outfile: 'dist/compile-rules.js' });
const compiled = execFileSync(process.execPath, ['dist/compile-rules.js'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
common.define = { ...common.define, MATCALC_COMPILED_RULES: JSON.stringify(compiled) };
await Promise.all([
  // The command line is minified (compiling a smaller bundle is a measurable part of
  // start-up) and CommonJS, which V8's code cache serves (bin/matcalc.js).
  build({ ...common, format: 'cjs', banner: {}, entryPoints: ['cli.ts'], outfile: 'dist/cli.cjs', minify: true, plugins: [lazyBuiltins] }),
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' }),
  ...(process.argv.includes('--bench') ? [
    build({ ...common, entryPoints: ['bench/run.ts'], outfile: 'dist/bench.js' }),
    build({ ...common, entryPoints: ['bench/web.ts'], outfile: 'dist/bench-web.js', external: ['playwright-core'] }),
    build({ ...common, entryPoints: ['bench/code.ts'], outfile: 'dist/bench-code.js' }),
    build({ ...common, entryPoints: ['bench/startup.ts'], outfile: 'dist/bench-startup.js' }),
  ] : []),
  buildWeb(),
]);
asciiOnly('dist/cli.cjs');
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
writeFileSync('dist/package.json', JSON.stringify({ type: 'module' }) + '\n');
// The code cache of the command line, from one whole run.
rmSync('dist/cli.cjs.cache', { force: true });
execFileSync(process.execPath, ['bin/matcalc.js', 'grad', "x'Ax", 'x'], { env: { ...process.env, MATCALC_WRITE_CODE_CACHE: '1' }, stdio: 'ignore' });

/** The playground (web/) as a static folder, dist/web: classic scripts only (a page opened
 *  as a file can load neither modules nor a worker from a URL, so the worker's bundle is
 *  text inside the page's, started from a Blob), KaTeX's CSS and woff2 fonts beside it. */
async function buildWeb() {
  const browser = {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, write: false, logLevel: 'warning', legalComments: 'none',
    loader: { '.rules': 'text' },
    // grammar/ reads process.env.JEST_WORKER_ID at module load; there is no process here.
    define: { ...common.define, 'process.env.JEST_WORKER_ID': 'undefined' },
  };
  const worker = await build({ ...browser, entryPoints: ['web/worker.ts'] });
  const page = await build({ ...browser, entryPoints: ['web/page.ts'], define: { ...browser.define, MATCALC_WORKER: JSON.stringify(worker.outputFiles[0].text) } });
  rmSync('dist/web', { recursive: true, force: true });
  mkdirSync('dist/web/katex/fonts', { recursive: true });
  writeFileSync('dist/web/page.js', page.outputFiles[0].text);
  copyFileSync('web/index.html', 'dist/web/index.html');
  copyFileSync('web/style.css', 'dist/web/style.css');
  const katexDir = join(dirname(createRequire(import.meta.url).resolve('katex/package.json')), 'dist');
  // Every browser the page supports reads woff2: the CSS names only those files.
  const css = readFileSync(join(katexDir, 'katex.min.css'), 'utf8').replace(/,url\(fonts\/[^)]+\.woff\) format\("woff"\)|,url\(fonts\/[^)]+\.ttf\) format\("truetype"\)/g, '');
  writeFileSync('dist/web/katex/katex.min.css', css);
  for (const font of readdirSync(join(katexDir, 'fonts')).filter((name) => name.endsWith('.woff2'))) copyFileSync(join(katexDir, 'fonts', font), join('dist/web/katex/fonts', font));
}

/** esbuild escapes non-ASCII characters in strings but leaves them in regular expression
 *  literals (`/[₀-₉]/`). Escaped there too (\uXXXX means the same code unit in every
 *  regular expression, and an escaped surrogate pair the same code point under /u), the
 *  bundle is ASCII: bin/matcalc.js reads it as latin1, a one-byte string half the size of
 *  the two-byte one a single non-ASCII character makes of it. */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  // After a backslash the escape would change meaning (`\·` would become `\\u00b7`).
  if (/\\[^\x00-\x7f]/.test(text)) throw new Error(`${file}: a non-ASCII character after a backslash`);
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(file, ascii);
}
