// G9/G10 peer: a fresh pouchdb-node database (LevelDB on disk) replicates
// every document of pouchdb-server's `dossiers` database, timed from the
// first request to the last document stored. Batches of 500, the portal's
// page size. Prints {"ms", "docs"}. Usage: node pouch-pull.cjs URL DIR
'use strict';
const PouchDB = require('pouchdb-node');
const [url, dir] = process.argv.slice(2);

(async () => {
  const local = new PouchDB(dir);
  await local.info();
  const started = process.hrtime.bigint();
  const result = await local.replicate.from(url + 'dossiers', { batch_size: 500 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const info = await local.info();
  await local.close();
  console.log(JSON.stringify({ ms, docs: info.doc_count, written: result.docs_written }));
})().catch((e) => { console.error(e); process.exit(1); });
