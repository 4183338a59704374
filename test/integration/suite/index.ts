import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { ResultsFileReporter } from './resultsFileReporter';

/** Entry point VS Code calls in the extension host (the extensionTestsPath contract). */
export function run(): Promise<void> {
  // Failure stacks then point at the .ts sources through the bundles' inline source maps.
  process.setSourceMapsEnabled(true);
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 30_000,
    // Without a results file (e.g. launched from a debugger), fall back to mocha's console output.
    reporter: process.env.LOUPE_TEST_RESULTS ? ResultsFileReporter : 'spec',
  });
  // The build puts each bundled test file beside this one.
  for (const file of readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
