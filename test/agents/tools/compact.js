#!/usr/bin/env node
// node compact.js DIR... : shrinks recordings for the repository. Each raw OTLP body in DIR/otlp is
// stored gzip-compressed (`NNNN-<signal>.<pb|json>.gz`; index.jsonl's `file` is renamed to match,
// `bytes` stays the uncompressed size), and fake-requests-bodies/ (the verbatim request bodies,
// mostly the CLIs' system prompts, summarised in fake-requests.jsonl) is removed.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

for (const dir of process.argv.slice(2)) {
  const otlp = path.join(dir, 'otlp');
  const indexFile = path.join(otlp, 'index.jsonl');
  if (!fs.existsSync(indexFile)) continue;
  const lines = fs.readFileSync(indexFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  for (const line of lines) {
    if (line.file.endsWith('.gz')) continue;
    const raw = path.join(otlp, line.file);
    fs.writeFileSync(raw + '.gz', zlib.gzipSync(fs.readFileSync(raw), { level: 9 }));
    fs.rmSync(raw);
    line.file += '.gz';
  }
  fs.writeFileSync(indexFile, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  fs.rmSync(path.join(dir, 'fake-requests-bodies'), { recursive: true, force: true });
  for (const f of ['agent-stderr.txt']) {
    const p = path.join(dir, f);
    if (fs.existsSync(p) && fs.statSync(p).size === 0) fs.rmSync(p);
  }
}
