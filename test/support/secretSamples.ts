/** Attribute keys that hold credentials and must be masked by default, whatever their value. */
export const SECRET_KEYS = [
  'GITHUB_TOKEN',
  'process.env.GITHUB_TOKEN',
  'hf_token',
  'passphrase',
  'pwd',
  'jwt',
  'ssh_key',
  'openai.api.key',
  'signature',
  'auth',
] as const;

/** Keys that look close but are not credentials: counts and durations stay readable. */
export const PLAIN_KEYS = [
  'gen_ai.usage.input_tokens',
  'llm.token_count.prompt',
  'gen_ai.server.time_to_first_token',
  'author',
  'oauth.provider',
] as const;

/**
 * One sample per well-known secret format, inside ordinary text: `secret` is what must never be
 * seen again, `kept` what stays readable around it.
 */
export const SECRET_FORMATS: readonly { format: string; text: string; secret: string; kept: string }[] = [
  {
    format: 'OpenAI key sk-…',
    text: 'using sk-proj-Abc123Def456Ghi789Jkl012Mno345 for the call',
    secret: 'Abc123Def456Ghi789Jkl012Mno345',
    kept: 'for the call',
  },
  {
    format: 'Anthropic key sk-ant-…',
    text: 'key=sk-ant-api03-ZyXwVuTsRqPoNmLkJiHgFeDcBa0987654321 end',
    secret: 'ZyXwVuTsRqPoNmLkJiHgFeDcBa0987654321',
    kept: 'end',
  },
  {
    format: 'GitHub token ghp_…',
    text: 'clone with ghp_1234567890abcdefghijABCDEFGHIJ123456 please',
    secret: 'ghp_1234567890abcdefghijABCDEFGHIJ123456',
    kept: 'please',
  },
  {
    format: 'GitHub fine-grained github_pat_…',
    text: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    secret: '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    kept: '',
  },
  {
    format: 'AWS access key AKIA…',
    text: 'aws configure AKIAIOSFODNN7EXAMPLE done',
    secret: 'AKIAIOSFODNN7EXAMPLE',
    kept: 'done',
  },
  {
    format: 'JSON Web Token',
    text: 'session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
    secret: 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    kept: 'ok',
  },
  {
    format: 'Bearer credential',
    text: 'Authorization: Bearer abcDEF123456ghiJKL789mno',
    secret: 'abcDEF123456ghiJKL789mno',
    kept: 'Authorization:',
  },
  {
    format: 'URL credentials',
    text: 'fetching https://deploy:hunter2hunter2@git.example.com/repo.git',
    secret: 'hunter2hunter2',
    kept: 'git.example.com/repo.git',
  },
  {
    format: '?key= query string',
    text: 'GET https://maps.example.com/api?q=paris&key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY&lang=en',
    secret: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
    kept: 'lang=en',
  },
];
