import { appendFileSync, writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import type { IntegrationEvent } from '../integrationEvents';

const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

/**
 * Writes one JSON line per mocha event to the file named by LOUPE_TEST_RESULTS: the extension host's
 * console is not reachable from the test runner, a file is.
 */
export class ResultsFileReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const resultsPath = process.env.LOUPE_TEST_RESULTS;
    if (!resultsPath) throw new Error('LOUPE_TEST_RESULTS is not set');
    writeFileSync(resultsPath, '');
    const record = (event: IntegrationEvent): void => appendFileSync(resultsPath, JSON.stringify(event) + '\n');

    runner.once(EVENT_RUN_BEGIN, () => record({ event: 'start', total: runner.total }));
    runner.on(EVENT_TEST_PASS, (test) => record({ event: 'pass', fullTitle: test.fullTitle(), durationMs: test.duration ?? 0 }));
    runner.on(EVENT_TEST_PENDING, (test) => record({ event: 'pending', fullTitle: test.fullTitle() }));
    runner.on(EVENT_TEST_FAIL, (test, error: Error) =>
      record({
        event: 'fail',
        fullTitle: test.fullTitle(),
        message: error?.message ?? String(error),
        stack: error?.stack ?? '',
      }),
    );
    runner.once(EVENT_RUN_END, () => record({ event: 'end', ...this.stats }));
  }
}
