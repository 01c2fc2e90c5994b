// Prints one plain closing line, "tests: N passed, N failed", that CI reads; before it, one
// line per skipped test, whose title says why it was skipped (e.g. torch not importable).
export default class CountReporter {
  onRunComplete(_contexts, results) {
    for (const suite of results.testResults) {
      for (const test of suite.testResults) if (test.status === 'pending') process.stdout.write(`skipped: ${test.fullName}\n`);
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`tests: ${results.numPassedTests} passed, ${failed} failed\n`);
  }
}
