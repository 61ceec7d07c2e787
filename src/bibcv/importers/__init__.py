"""`bibcv import`: a CV kept in another tool (RenderCV, JSON Resume, al-folio, academicpages)
as a bibcv CV and .bib file that build at once.

Each importer reads its format and fills an ``Imported``; what it cannot carry
over is listed there (and at the top of the written CV), never dropped silently.
Nothing here is imported by a build.
"""
