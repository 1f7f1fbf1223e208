// Prints the plain closing line CI reads ("N passed, N failed") from vitest's JSON report.
import fs from 'node:fs';

const file = process.argv[2];
if (file === undefined || !fs.existsSync(file)) {
  console.log('tests: 0 passed, 1 failed');
  process.exit(0);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
};
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
