import * as assert from 'node:assert/strict';
import {
  compileRedactPattern,
  DEFAULT_REDACT_PATTERNS,
  findRedactPatternProblems,
  KeyRedactor,
  RedactPatternError,
} from '../../src/model/redaction';

describe('redaction key patterns', () => {
  const redactor = new KeyRedactor();

  const credentials = [
    'authorization',
    'Authorization',
    'http.request.header.authorization',
    'http.request.header.proxy-authorization',
    'api_key',
    'openai.api_key',
    'x-api-key',
    'http.request.header.x-api-key',
    'API-KEY',
    'apikey',
    'google.apiKey',
    'password',
    'db.password',
    'user.passwd',
    'client_secret',
    'aws.secret_access_key',
    'oauth.access_token',
    'refresh_token',
    'id_token',
    'auth.id_token',
    'x-auth-token',
    'deployment.api_token',
    'x-amz-security-token',
    'bearer',
    'Bearer_Token',
    'private_key',
    'gcp.credentials',
    'cookie',
    'http.request.header.cookie',
    'http.response.header.set-cookie',
    'Set-Cookie',
    'token',
    'github.token',
  ];
  for (const key of credentials) {
    it(`masks ${key}`, () => assert.equal(redactor.matches(key), true));
  }

  const notCredentials = [
    'gen_ai.usage.input_tokens',
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.reasoning.output_tokens',
    'gen_ai.usage.prompt_tokens',
    'gen_ai.request.max_tokens',
    'llm.token_count.prompt',
    'llm.token_count.completion',
    'llm.token_count.total',
    'llm.usage.total_tokens',
    'ai.usage.promptTokens',
    'ai.usage.tokens',
    'gen_ai.server.time_to_first_token',
    'gen_ai.token.type',
    'tokenizer',
    'gen_ai.input.messages',
    'http.request.header.content-type',
    'service.name',
    'session.id',
    'user.id',
  ];
  for (const key of notCredentials) {
    it(`keeps ${key}`, () => assert.equal(redactor.matches(key), false));
  }

  it('reads globs case-insensitively against the whole key, with * crossing dots', () => {
    const glob = compileRedactPattern('my.*.secret?');
    assert.equal(glob.test('MY.deep.nested.SECRETS'), true);
    assert.equal(glob.test('my.x.secret'), false, '? needs one character');
    assert.equal(glob.test('prefix.my.x.secretz'), false, 'anchored at the start');
    assert.equal(compileRedactPattern('a+b(c)[d]').test('a+b(c)[d]'), true, 'regex characters in a glob are literal');
  });

  it('reads /…/ as a case-insensitive regular expression', () => {
    const custom = new KeyRedactor(['/^x-.*-key$/', 'internal.*']);
    assert.equal(custom.matches('X-Custom-Key'), true);
    assert.equal(custom.matches('x-custom-keys'), false);
    assert.equal(custom.matches('internal.note'), true);
    assert.equal(custom.matches('authorization'), false, 'a custom list replaces the defaults');
  });

  it('masks nothing with an empty list', () => {
    const none = new KeyRedactor([]);
    assert.equal(none.isEmpty, true);
    assert.equal(none.matches('authorization'), false);
  });

  it('names each unusable pattern', () => {
    assert.deepEqual(findRedactPatternProblems(DEFAULT_REDACT_PATTERNS), []);
    const problems = findRedactPatternProblems(['ok*', '', '/[unclosed/', 7, '   ']);
    assert.equal(problems.length, 4);
    assert.match(problems[0], /"" cannot be used: it is empty/);
    assert.match(problems[1], /"\/\[unclosed\/" cannot be used: not a valid regular expression/);
    assert.match(problems[2], /7 cannot be used: it is not a string/);
    assert.throws(() => new KeyRedactor(['/(/']), RedactPatternError);
  });

  it('keeps its per-key cache bounded when keys never repeat', () => {
    const many = new KeyRedactor();
    for (let i = 0; i < 50_000; i++) assert.equal(many.matches(`attr.${i}`), false);
    assert.equal(many.matches('attr.password'), true);
  });
});
