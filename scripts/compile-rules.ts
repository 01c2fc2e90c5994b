// Build step: prints the parsed rule files as JSON (see src/rewrite/compiled.ts).
import { compiledRules } from '../src/rewrite/library.js';

process.stdout.write(JSON.stringify(compiledRules()));
