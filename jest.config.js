// jest in ESM mode (chevrotain is ESM-only), TypeScript through swc; type checking is
// done once by `tsc --noEmit` in `npm test`. chevrotain maps to its prebuilt single-file
// build, which loads several times faster per test file.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.rules'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'rules'],
  transform: {
    '^.+\\.rules$': '<rootDir>/test/rules-transform.cjs',
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^chevrotain$': '<rootDir>/node_modules/chevrotain/lib/chevrotain.mjs',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  reporters: ['default', '<rootDir>/test/count-reporter.js'],
};
