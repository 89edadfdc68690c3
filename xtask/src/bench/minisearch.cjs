// G8's peer: MiniSearch over the synthetic catalogue the engine's bench
// exported, searched with the same queries, diacritics folded as
// hoso_domain::text::fold folds them (NFD, marks dropped, đ as d, lower case).
// Usage: node minisearch.cjs CATALOGUE.json ; prints {"p50_ms", "p99_ms", "hits"}.
'use strict';
const fs = require('fs');
const MiniSearch = require('minisearch');

const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/đ/g, 'd');
const { procedures, queries } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const index = new MiniSearch({
  fields: ['code', 'vi', 'en'],
  storeFields: ['code'],
  processTerm: (term) => fold(term),
});
index.addAll(procedures);
const options = { prefix: true, combineWith: 'AND' };
for (const query of queries) index.search(query, options);

const latencies = [];
let hits = 0;
for (const query of queries) {
  const started = process.hrtime.bigint();
  hits += index.search(query, options).length;
  latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
}
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.round((latencies.length - 1) * p)];
console.log(JSON.stringify({ p50_ms: at(0.5), p99_ms: at(0.99), hits }));
