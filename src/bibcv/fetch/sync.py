"""`bibcv sync`: a person's publication list merged into a .bib file the user keeps editing.

Each listed paper is looked up in the file by DOI, arXiv id, DBLP key and
normalised title.  A paper already there is left exactly as the user wrote it;
a new one is added in export form.  The one change made to an existing entry:
a preprint and its published version are one paper, so the published version's
details go into the user's entry (its key, title, authors and every other field
stay) with the arXiv id, or a published entry gains the arXiv id it lacked.  A
paper that matches two entries, or an entry with another DOI, is a conflict and
is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bibcv.bibliography import Publication
from bibcv.fetch.bibfile import BibFile, Index
from bibcv.fetch.records import add_arxiv_id, doi_of, is_preprint, make_key

# What makes an entry the arXiv version: replaced by the published version's details.
PREPRINT_FIELDS = ("journal", "journaltitle", "booktitle", "howpublished", "volume", "number",
                   "pages", "publisher", "year", "month", "date", "doi", "pubstate")
PUBLISHED_FIELDS = ("journal", "booktitle", "volume", "number", "pages", "publisher", "year",
                    "month", "doi", "school", "institution", "series", "address")


@dataclass
class Summary:
    added: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # preprint and published made one
    conflicting: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.merged)


def sync_entries(listed: list[Publication], bib: BibFile, key_pattern: str) -> Summary:
    """Merge the listed papers into ``bib`` (its ``added`` and ``changed``)."""
    index = Index()
    for entry in bib.entries:
        index.add(entry)
    summary = Summary()
    taken = set(bib.keys)
    # Published versions first, so that a preprint listed beside one joins it.
    for record in sorted(listed, key=is_preprint):
        matches = index.matches(record)
        if len(matches) > 1:
            keys = " and ".join(repr(entry.key) for _, entry in matches)
            summary.conflicting.append(f"{_describe(record)} matches both {keys}; "
                                       "left as they are")
            continue
        if not matches:
            record.key = make_key(record, key_pattern, taken)
            bib.added.append(record)
            index.add(record)
            summary.added.append(f"{record.key}: {_describe(record)}")
            continue
        shared, entry = matches[0]
        if doi_of(record) and doi_of(entry) and doi_of(record) != doi_of(entry) and not (
                is_preprint(record) or is_preprint(entry)):
            summary.conflicting.append(
                f"{_describe(record)} has the same {shared} as {entry.key!r} but the DOI "
                f"{doi_of(record)}, not {doi_of(entry)}; left as it is")
            continue
        _join(record, entry, bib, index, summary)
    return summary


def _join(record: Publication, entry: Publication, bib: BibFile, index: Index,
          summary: Summary) -> None:
    """The listed paper is ``entry``: merge a preprint with its published version."""
    if is_preprint(entry) and not is_preprint(record):
        _publish(entry, record)
        change = "the published version of the arXiv paper, with its arXiv id"
    elif add_arxiv_id(entry, record):
        change = "the arXiv id of its preprint added"
    else:
        summary.matched.append(entry.key)
        return
    index.add(entry)
    if entry in bib.added:  # two versions listed, one entry added: nothing else changed
        summary.matched.append(entry.key)
    else:
        bib.changed[entry.key] = entry
        summary.merged.append(f"{entry.key}: {change}")


def _publish(preprint: Publication, published: Publication) -> None:
    """The user's preprint entry becomes the published paper, keeping what the user wrote."""
    arxiv = Publication(preprint.key, preprint.entry_type, dict(preprint.raw_fields),
                        preprint.origin)
    for name in PREPRINT_FIELDS:
        preprint.raw_fields.pop(name, None)
    for name in ("eprint", "eprinttype", "eprintclass", "archiveprefix", "primaryclass"):
        preprint.raw_fields.pop(name, None)
    for name in PUBLISHED_FIELDS:
        if published.raw_fields.get(name):
            preprint.raw_fields[name] = published.raw_fields[name]
    preprint.entry_type = published.entry_type
    if preprint.raw_fields.get("url", "").find("arxiv.org") != -1:
        del preprint.raw_fields["url"]
    add_arxiv_id(preprint, arxiv)
    preprint.forget_cached()


def _describe(entry: Publication) -> str:
    title = entry.text("title")
    return f"{title[:70]}{'…' if len(title) > 70 else ''} ({entry.year or 'no year'})"
