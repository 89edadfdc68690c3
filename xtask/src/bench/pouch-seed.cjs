// G9/G10 peer: seeds pouchdb-server with `count` documents shaped like the
// portal's feed entries (the sample entry the Hồ sơ bench printed, with its
// ids varied), through pouchdb-node's HTTP adapter. Untimed. Waits for the
// server to answer first. Usage: node pouch-seed.cjs URL COUNT SAMPLE.json
'use strict';
const PouchDB = require('pouchdb-node');
const [url, countText, samplePath] = process.argv.slice(2);
const count = Number(countText);
const sample = JSON.parse(require('fs').readFileSync(samplePath, 'utf8'));

async function ready() {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch (_) {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('pouchdb-server did not answer at ' + url);
}

(async () => {
  await ready();
  const db = new PouchDB(url + 'dossiers');
  const info = await db.info();
  if (info.doc_count >= count) return console.log(JSON.stringify({ seeded: 0, doc_count: info.doc_count }));
  for (let start = info.doc_count; start < count; start += 1000) {
    const docs = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const doc = JSON.parse(JSON.stringify(sample));
      // The same fields and sizes as the feed entry, with a distinct id per document.
      const suffix = String(i).padStart(6, '0');
      doc.dossier.code = doc.dossier.code.slice(0, -6) + suffix;
      doc.dossier.client_id = doc.dossier.client_id.slice(0, -6) + suffix;
      doc._id = doc.dossier.client_id;
      delete doc.cursor;
      docs.push(doc);
    }
    await db.bulkDocs(docs);
  }
  const after = await db.info();
  console.log(JSON.stringify({ seeded: after.doc_count - info.doc_count, doc_count: after.doc_count }));
})().catch((e) => { console.error(e); process.exit(1); });
