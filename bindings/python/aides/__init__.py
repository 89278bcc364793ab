"""aides: search catalogues of public aids for French local authorities.

The engine behind ``aides-index`` and ``aides-search`` (C++, Xapian, ICU), for Python portals.
It finds the grants, loans and engineering support that fit a commune: its perimeters
(commune, EPCI, department, region, France, Europe, ad-hoc lists such as the *Petites villes
de demain* towns), audiences, themes, aid types, deadlines, and free French text.

Build an index, then search it::

    import datetime, aides
    with aides.Index.open("idx", adhoc={"pvd": "corpus/adhoc/pvd-extrait.txt"}) as index:
        index.ingest("corpus/aides.jsonl")              # files: JSON Lines, JSON array, API page
        index.index([{"id": "x-1", "name": "Aide au vélo", "perimeter": "department:29"}])
    searcher = aides.Searcher("idx")
    result = searcher.search("rénovation énergétique", commune="29103", themes=["energies-dechets-climat"],
                             today=datetime.date(2026, 9, 1), facets=True)
    for hit in result:                                 # result.count is the exact total
        print(hit.id, hit.name, hit.perimeter_name, hit.submission_deadline)
    result.to_dict()                                   # == the JSON of aides-search --format json
    searcher.profile("Landerneau").perimeters          # the perimeters eligible for a commune

Classes: :class:`Index` (write), :class:`Searcher` (read; thread-safe search),
:class:`SearchResult`, :class:`Hit`, :class:`Explanation`, :class:`CommuneProfile`,
:class:`Place`, :class:`Portal`, :class:`Geography`, :class:`IngestReport`, :class:`RecordIssue`.

Errors, all subclasses of :class:`aides.Error`:

- :class:`aides.UsageError` (also a ValueError): a bad request value; ``.value`` names it.
- :class:`aides.DataError` (also a ValueError): a bad record or data file; ``.source``,
  ``.line``, ``.field``, ``.reason``, and ``.errors`` (every bad record of an ingest).
- :class:`aides.IndexError`: missing, corrupt or closed index, I/O. It is *not* the builtin
  IndexError and is left out of ``from aides import *``: write ``aides.IndexError``.
- :class:`aides.IndexLockedError` (an ``aides.IndexError``): another writer holds the index.

The GIL is released while indexing and searching.
"""
from __future__ import annotations

from . import _aides
from ._aides import (DataError, Error, IndexLockedError, IngestReport, Portal, RecordConcern, RecordIssue, UsageError,
                     __version__, index_format_version)
from ._aides import IndexError  # noqa: A004 - aides.IndexError, deliberately not in __all__
from ._engine import Geography, Index, Searcher
from ._results import CommuneProfile, Explanation, Hit, Place, SearchResult

__all__ = [
    "Index", "Searcher", "Geography", "SearchResult", "Hit", "Explanation", "CommuneProfile",
    "Place", "Portal", "IngestReport", "RecordConcern", "RecordIssue", "Error", "UsageError", "DataError", "IndexLockedError",
    "__version__", "index_format_version",
]

# Show the public names as members of `aides` (in help(), repr and tracebacks).
for _cls in (IngestReport, Portal, RecordConcern, RecordIssue):
    try:
        _cls.__module__ = "aides"
    except (AttributeError, TypeError):
        pass
for _cls in (Index, Searcher, Geography, SearchResult, Hit, Explanation, CommuneProfile, Place):
    _cls.__module__ = "aides"
del _cls
