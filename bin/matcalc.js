#!/usr/bin/env node
// npm links this committed shim as `matcalc`; the bundle it loads is built by `npm install`.
import '../dist/cli.js';
