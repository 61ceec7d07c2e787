// bibcv's bridge to citeproc-js, the reference CSL processor (run by bibcv/csl.py).
//
// One process renders every CSL bibliography of a build: it reads one JSON request on
// standard input and writes one JSON answer on standard output.  Nothing is fetched:
// styles come in the request, locales from the folder it names.
//
//   node citeproc_runner.js CITEPROC_MODULE
//   stdin:  {"locales": FOLDER, "jobs": [{"style": XML, "lang": "en-US", "force": false, "items": [CSL-JSON]}]}
//   stdout: {"results": [{"entries": {ID: HTML, ...}}]}
//
// Two things a CV needs that CSL does not say, both keyed on extra fields of a name or an
// item (citeproc-js passes them through untouched):
// - a name with "bibcv": ["owner", "equal"] is wrapped in <span class="bibcv-owner"> and
//   <span class="bibcv-equal">, so bibcv can set your name in bold and mark equal
//   contributions, however the style writes names (initials, upper case, order);
// - an item with "bibcv-et-al": {"min", "use-first", "use-last"} overrides the style's
//   et-al rules for that item's name lists, so a shortened list never hides your name;
// - an item with "bibcv-and-others": ["author", ...] has those lists end in BibTeX's
//   "and others", which CSL-JSON cannot say: each is taken as one name longer than
//   given, so the style's et-al rules shorten it as such a list, and "et al." follows
//   the names given whatever the style's et-al-min; never et-al-use-last's "… last
//   author", as the last author is not known.
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require(process.argv[2]);

for (const mark of ["owner", "equal"]) {
  CSL.Output.Formats.html[`@bibcv/${mark}`] = `<span class="bibcv-${mark}">%%STRING%%</span>`;
}

const renderPersonalName = CSL.NameOutput.prototype._renderPersonalName;
CSL.NameOutput.prototype._renderPersonalName = function (v, name, slot, pos, i, j) {
  const blob = renderPersonalName.call(this, v, name, slot, pos, i, j);
  const marks = (name && name.bibcv) || [];
  if (!blob || !marks.length) return blob;
  this.state.output.openLevel("empty");
  this.state.output.append(blob);
  this.state.output.closeLevel();
  const wrapped = this.state.output.pop();
  for (const mark of marks) wrapped.decorations.push(["@bibcv", mark]);
  return wrapped;
};

const imposeNameConstraints = CSL.NameOutput.prototype._imposeNameConstraints;
CSL.NameOutput.prototype._imposeNameConstraints = function (lst, count, key, pos) {
  const etAl = this.Item && this.Item["bibcv-et-al"];
  if (!etAl) return imposeNameConstraints.call(this, lst, count, key, pos);
  // citeproc-js starts from state.tmp["et-al-min"] (the style's) as the number of names to
  // show and keeps it when the list is shorter than etal_min: a list that the override does
  // not shorten (your name last) was still cut there, your name with it.
  const tmp = this.state.tmp;
  const saved = [this.etal_min, this.etal_use_first, this.etal_use_last, tmp["et-al-min"]];
  this.etal_min = etAl.min;
  this.etal_use_first = etAl["use-first"];
  this.etal_use_last = etAl["use-last"];
  tmp["et-al-min"] = etAl.min;
  try {
    return imposeNameConstraints.call(this, lst, count, key, pos);
  } finally {
    [this.etal_min, this.etal_use_first, this.etal_use_last, tmp["et-al-min"]] = saved;
  }
};

const getEtAlConfig = CSL.NameOutput.prototype.getEtAlConfig;
CSL.NameOutput.prototype.getEtAlConfig = function () {
  getEtAlConfig.call(this);
  if (andOthers(this.Item).length) this.etal_use_last = false;
};

const truncatePersonalNameLists = CSL.NameOutput.prototype.truncatePersonalNameLists;
CSL.NameOutput.prototype.truncatePersonalNameLists = function () {
  truncatePersonalNameLists.call(this);
  for (const variable of andOthers(this.Item)) {
    if (this.freeters[variable] && this.freeters[variable].length) {
      this.freeters_count[variable] += 1;
    }
  }
};

function andOthers(item) {
  return (item && item["bibcv-and-others"]) || [];
}

function localeReader(folder) {
  const dialects = JSON.parse(fs.readFileSync(path.join(folder, "locales.json"), "utf8"));
  const primary = dialects["primary-dialects"] || {};
  return (lang) => {
    for (const name of [lang, primary[lang], primary[String(lang).split("-")[0]], "en-US"]) {
      if (!name) continue;
      const file = path.join(folder, `locales-${name}.xml`);
      if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
    }
    return false;
  };
}

function render(job, retrieveLocale) {
  const byId = new Map(job.items.map((item) => [item.id, item]));
  const sys = { retrieveLocale, retrieveItem: (id) => byId.get(id) };
  const engine = new CSL.Engine(sys, job.style, job.lang, job.force);
  engine.setOutputFormat("html");
  engine.updateItems(job.items.map((item) => item.id));
  const [meta, entries] = engine.makeBibliography();
  const rendered = {};
  meta.entry_ids.forEach((ids, index) => { rendered[ids[0]] = entries[index]; });
  return { entries: rendered };
}

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const retrieveLocale = localeReader(request.locales);
const results = request.jobs.map((job) => render(job, retrieveLocale));
process.stdout.write(JSON.stringify({ results }));
