// The oracle for tests/test_csl.py: stock citeproc-js (from npm, unpatched, as Zotero runs
// it) renders the same CSL-JSON with each style's own locale and rules.
//   node oracle.js CITEPROC_MODULE < {"locales": FOLDER, "jobs": [{"style": XML, "items": [...]}]}
//   stdout: [{ID: HTML, ...}, ...], one object per job
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require(process.argv[2]);
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const retrieveLocale = (lang) => {
  const file = path.join(request.locales, `locales-${lang}.xml`);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
};
const out = request.jobs.map((job) => {
  const items = new Map(job.items.map((item) => [item.id, item]));
  const engine = new CSL.Engine({ retrieveLocale, retrieveItem: (id) => items.get(id) }, job.style);
  engine.updateItems(job.items.map((item) => item.id));
  const [meta, entries] = engine.makeBibliography();
  return Object.fromEntries(meta.entry_ids.map((ids, index) => [ids[0], entries[index]]));
});
process.stdout.write(JSON.stringify(out));
