// jest: mathjs's prebuilt single-file build (fast to load) with the named exports that
// src/numeric/linalg.ts imports; a UMD file offers them only on its default export.
import math from '../../node_modules/mathjs/lib/browser/math.js';

export const { create, invDependencies, detDependencies } = math;
