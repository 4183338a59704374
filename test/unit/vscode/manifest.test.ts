import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface WelcomeEntry {
  view: string;
  contents: string;
  when?: string;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { viewsWelcome: WelcomeEntry[] };
};

/** The welcome entries VS Code shows for a given context (clauses of the forms used in the manifest). */
function shownWelcome(context: Record<string, boolean>): WelcomeEntry[] {
  const holds = (clause: string) => {
    const negated = clause.startsWith('!');
    const key = clause.replace(/^!/, '').trim();
    return negated ? !context[key] : Boolean(context[key]);
  };
  return manifest.contributes.viewsWelcome.filter((entry) => !entry.when || entry.when.split('&&').every((c) => holds(c.trim())));
}

describe('manifest: the Traces view welcome', () => {
  it('offers to turn the zero-config endpoint on only while it is off', () => {
    const off = shownWelcome({ 'loupe.filterActive': false, 'config.loupe.env.injectEndpoint': false });
    assert.equal(off.length, 1);
    assert.match(off[0].contents, /command:loupe\.enableEndpointInjection/);

    const on = shownWelcome({ 'loupe.filterActive': false, 'config.loupe.env.injectEndpoint': true });
    assert.equal(on.length, 1);
    assert.doesNotMatch(on[0].contents, /command:loupe\.enableEndpointInjection/);
    assert.match(on[0].contents, /zero-config endpoint is on/i);
  });

  it('shows only the filter message while a filter hides every trace', () => {
    for (const inject of [false, true]) {
      const shown = shownWelcome({ 'loupe.filterActive': true, 'config.loupe.env.injectEndpoint': inject });
      assert.equal(shown.length, 1);
      assert.match(shown[0].contents, /No traces match the filter/);
    }
  });
});
