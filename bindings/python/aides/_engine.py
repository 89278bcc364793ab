"""Index, Searcher and Geography: the Pythonic layer over the C++ module ``_aides``."""
from __future__ import annotations

import datetime as _dt
import json
import os
import warnings
from typing import Any, Dict, Iterable, List, Mapping, Optional, TypeVar, Union

from . import _aides
from ._aides import DataError, IngestReport, UsageError
from ._results import CommuneProfile, SearchResult

__all__ = ["Index", "Searcher", "Geography"]

PathLike = Union[str, "os.PathLike[str]"]
Date = Union[_dt.date, str]
Values = Union[str, Iterable[str], None]

_ORDERS = {"relevance": _aides.Order.relevance, "deadline": _aides.Order.deadline,
           "published": _aides.Order.published}
# The names of `aides-index --format`.
_FORMATS = {"auto": _aides.InputFormat.automatic, "jsonl": _aides.InputFormat.jsonl,
            "json": _aides.InputFormat.json, "at-api": _aides.InputFormat.at_api,
            "at-csv": _aides.InputFormat.at_csv}


def _paths(paths: Union[PathLike, Iterable[PathLike]]) -> List[str]:
    """One path or several, as strings."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    return [os.fsdecode(os.fspath(p)) for p in paths]


def _strings(name: str, values: Values) -> List[str]:
    """A filter's values: None, one string, or an iterable of strings."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    out = []
    for value in values:
        if not isinstance(value, str):
            raise TypeError(f"{name}: expected strings, got {type(value).__name__} {value!r}")
        out.append(value)
    return out


def _date(name: str, value: Optional[Date]) -> str:
    """A date argument as YYYY-MM-DD; the library checks the strings."""
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"{name}: expected a datetime.date or a YYYY-MM-DD string, got {type(value).__name__}")


def _json_default(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    raise TypeError(f"value of type {type(value).__name__} is not JSON serialisable")


def _record_text(position: int, record: Union[Mapping[str, Any], str, bytes]) -> str:
    if isinstance(record, str):
        return record
    if isinstance(record, bytes):
        return record.decode("utf-8", errors="replace")
    if isinstance(record, Mapping):
        try:
            return json.dumps(dict(record), ensure_ascii=False, default=_json_default)
        except (TypeError, ValueError) as e:
            raise _data_error(f"record:{position}: {e}", source="record", line=position, reason=str(e)) from None
    raise TypeError(f"record {position}: expected a dict or a JSON string, got {type(record).__name__}")


def _data_error(message: str, **attributes: Any) -> DataError:
    error = DataError(message)
    for key, value in attributes.items():
        setattr(error, key, value)
    return error


def _check_report(report: IngestReport, skip_invalid: bool, dry_run: bool = False) -> IngestReport:
    """Raises DataError for a failed all-or-nothing ingest or a refused sync, like
    ``aides-index`` exits 1."""
    if report.refusal and not dry_run:
        first = next((e for e in report.errors if e.whole_file), report.errors[0] if report.errors else None)
        raise _data_error("refused: " + report.refusal, source=first.source if first else "",
                          line=first.line if first else 0, field=first.field if first else "",
                          reason=report.refusal, errors=list(report.errors), report=report)
    if report.errors and not skip_invalid and not dry_run:
        first = report.errors[0]
        more = len(report.errors) - 1
        message = str(first) + (f" (and {more} more bad record{'s' if more > 1 else ''}; nothing written)"
                                if more else " (nothing written)")
        raise _data_error(message, source=first.source, line=first.line, field=first.field,
                          reason=first.message, errors=list(report.errors), report=report)
    return report


_Self = TypeVar("_Self", bound="_OnDisk")


class _OnDisk:
    """What Index and Searcher share: a native handle on an index directory, its path, closing
    it, use as a context manager."""

    _handle: Any

    @property
    def path(self) -> str:
        return self._handle.path

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def close(self) -> None:
        self._handle.close()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{len(self)} aids"  # type: ignore[arg-type]
        return f"<aides.{type(self).__name__} {self.path!r} {state}>"


class Index(_OnDisk):
    """A writable index on disk. Open it with :meth:`Index.open`; one writer per directory at
    a time (a second one raises :class:`aides.IndexLockedError`). Every write is one
    transaction: all of it reaches the disk or none. Use it as a context manager, or call
    :meth:`close`, to release the write lock. Methods release the GIL while they work.
    """

    def __init__(self, handle: "_aides.Index") -> None:
        self._handle = handle

    @classmethod
    def open(cls, path: PathLike, geography: Optional[PathLike] = None, taxonomy: Optional[PathLike] = None,
             synonyms: Optional[PathLike] = None, adhoc: Optional[Mapping[str, PathLike]] = None) -> "Index":
        """Opens the index at `path`, creating it when missing.

        :param geography: a ``geography.tsv`` or an npm ``data/`` directory; default: what the
            index holds, else the geography fetched by ``make``.
        :param taxonomy: ``taxonomy.json``; default: what the index holds, else the bundled one.
        :param synonyms: ``synonyms.txt``; default likewise.
        :param adhoc: ad-hoc perimeters, name -> file of INSEE codes, e.g.
            ``{"pvd": "corpus/adhoc/pvd-extrait.txt"}`` makes ``adhoc:pvd``.
        :raises IndexLockedError: another writer holds the index.
        :raises IndexError: `path` is not an aides index of this format version.
        :raises DataError: a bad geography, taxonomy, synonyms or ad-hoc file.
        """
        options = _aides.IndexOptions()
        if geography is not None:
            options.geography_path = os.fspath(geography)
        if taxonomy is not None:
            options.taxonomy_path = os.fspath(taxonomy)
        if synonyms is not None:
            options.synonyms_path = os.fspath(synonyms)
        if adhoc:
            options.adhoc = [(str(name), os.fspath(file)) for name, file in adhoc.items()]
        return cls(_aides.Index(os.fspath(path), options))

    def index(self, records: Iterable[Union[Mapping[str, Any], str]]) -> IngestReport:
        """Adds or replaces records given as dicts or JSON object strings (canonical aid
        records, see the README), in one transaction.

        :raises DataError: for the first bad record, with ``line`` its 1-based position in
            `records` and ``field`` the field at fault; nothing is written.
        """
        texts = [_record_text(i, record) for i, record in enumerate(records, 1)]
        return self._handle.add_records(texts)

    def ingest(self, paths: Union[PathLike, Iterable[PathLike]], skip_invalid: bool = False,
               check: bool = False, format: str = "auto") -> IngestReport:
        """Reads record files (JSON Lines, a JSON array or an Aides-territoires API page;
        ``-`` is stdin) and adds or replaces their records in one transaction.

        :param skip_invalid: index the valid records even when some are bad; the bad ones are
            listed in ``report.errors``.
        :param check: validate only, write nothing (``aides-index --check``); never raises for
            bad records, see ``report.errors``.
        :param format: ``auto``, ``jsonl``, ``json``, ``at-api`` or ``at-csv`` (as ``aides-index --format``).
        :raises DataError: when a record is bad and `skip_invalid` is False, or a file cannot be
            read whole (whatever `skip_invalid` says); nothing is written, ``errors`` lists every
            bad record (``source``, ``line``, ``field``, ``message``).
        """
        report = self._handle.ingest(_paths(paths), self._format(format), bool(skip_invalid), bool(check))
        return _check_report(report, skip_invalid, check)

    def sync(self, paths: Union[PathLike, Iterable[PathLike]], skip_invalid: bool = False,
             format: str = "auto", dry_run: bool = False, max_removals: Union[str, int] = "10%") -> IngestReport:
        """Makes the index hold exactly the records of `paths` (a full dump): adds, replaces,
        and removes the aids absent from them (``report.removed_ids``), only when the dump was
        read whole, as ``aides-index --sync``.

        :param max_removals: the most aids the sync may remove, a count (``250``) or a
            percentage of the index (``"10%"``).
        :param dry_run: report what would be added, replaced and removed; write nothing.
        :raises DataError: the sync is refused (``report.refusal``; nothing written) when a file
            cannot be read whole, the dump is empty or has no valid record, it would remove
            more than `max_removals`, or a record is bad and `skip_invalid` is False. A record
            rejected with `skip_invalid` keeps its indexed version.
        """
        report = self._handle.sync(_paths(paths), self._format(format), bool(skip_invalid), bool(dry_run),
                                   str(max_removals))
        return _check_report(report, skip_invalid, dry_run)

    def delete(self, ids: Union[str, int, Iterable[Union[str, int]]]) -> int:
        """Removes aids by id in one transaction; returns how many existed. Warns
        (``UserWarning``) naming the ids the index did not hold."""
        if isinstance(ids, (str, int)):
            ids = [ids]
        removed, not_found = self._handle.remove([str(i) for i in ids])
        if not_found:
            warnings.warn(f"{len(not_found)} id(s) not in the index: {', '.join(not_found[:10])}", stacklevel=2)
        return len(removed)

    def compact(self) -> None:
        """Rewrites the index with full blocks (about 15 % smaller, as ``aides-index --compact``):
        worth it after a bulk build. Searchers see the new files when they reopen."""
        self._handle.compact()

    def ids(self) -> List[str]:
        """Every id in the index, sorted."""
        return self._handle.ids()

    def __len__(self) -> int:
        """Number of aids in the index (any status)."""
        return self._handle.size()

    def __contains__(self, id: object) -> bool:
        """True when the index holds an aid with this id (reads every id: prefer a Searcher.get)."""
        return str(id) in set(self._handle.ids())

    def close(self) -> None:
        """Releases the index and its write lock. Later calls raise aides.IndexError."""
        self._handle.close()

    @staticmethod
    def _format(format: str) -> "_aides.InputFormat":
        try:
            return _FORMATS[format]
        except KeyError:
            raise _usage_error(f'unknown format "{format}" (expected {", ".join(_FORMATS)})', format) from None


def _usage_error(message: str, value: str) -> UsageError:
    error = UsageError(message)
    error.value = value
    return error


class Geography:
    """French administrative geography (COG 2026) with the index's ad-hoc lists: communes,
    EPCIs, departments, regions, perimeters ``SCALE:CODE``. Get it from
    :attr:`Searcher.geography`, or load a ``geography.tsv`` with :meth:`Geography.load`.
    Thread-safe for reading."""

    def __init__(self, handle: "_aides.Geography") -> None:
        self._handle = handle

    @classmethod
    def load(cls, path: PathLike) -> "Geography":
        """Reads the compact ``geography.tsv`` form. :raises DataError: naming file and line."""
        return cls(_aides.Geography.load(os.fspath(path)))

    def resolve_commune(self, query: str) -> str:
        """The INSEE code of a commune as :meth:`resolve` reads it.
        :raises UsageError: unknown or ambiguous (the message lists the candidates)."""
        return self._handle.resolve_commune(query)

    def resolve(self, query: str) -> Dict[str, Any]:
        """How a commune given as people name it is read: ``{"code", "name", "department":
        {"code", "name"}, "note"?}`` (``note``: a former name or code, a postcode). Accepts an
        INSEE code (today's or a former one), a postcode, ``insee:CODE``, ``cp:CODE``, a name
        (today's or a former one), ``NAME (DEP)``, ``NAME DEP``, ``NAME, DEPARTMENT``.
        :raises UsageError: unknown (with the closest names) or ambiguous (with every reading)."""
        return json.loads(self._handle.resolve_json(query))

    def find_communes(self, query: str) -> List[str]:
        """Codes of the communes whose name (any case or accents) or postcode is `query`."""
        return self._handle.find_communes(query)

    def perimeters_of_commune(self, code: str) -> List[str]:
        """Every perimeter containing the commune, narrowest first; empty for an unknown code."""
        return self._handle.perimeters_of_commune(code)

    def profile(self, code: str) -> Optional[CommuneProfile]:
        """The profile of a commune by INSEE code, or None when unknown."""
        text = self._handle.profile_json(code)
        return None if text is None else CommuneProfile.from_dict(json.loads(text))

    def name_of(self, perimeter: str) -> str:
        """Human name of a perimeter (``department:29`` -> ``Finistère``), or its code when unknown."""
        return self._handle.name_of(perimeter)

    def knows(self, perimeter: str) -> bool:
        """True when the perimeter ``SCALE:CODE`` exists."""
        return self._handle.knows(perimeter)

    def find_by_name(self, scale: str, name: str) -> Optional[str]:
        """The perimeter of that name at that scale (``"department", "Finistère"`` ->
        ``department:29``), or None."""
        return self._handle.find_by_name(scale, name)

    def ancestors(self, perimeter: str) -> List[str]:
        """Perimeters strictly containing `perimeter` (ad-hoc ones excluded)."""
        return self._handle.ancestors(perimeter)

    def adhoc_overlapping(self, perimeter: str) -> List[str]:
        """Ad-hoc perimeters sharing at least one commune with `perimeter`."""
        return self._handle.adhoc_overlapping(perimeter)

    def contains(self, outer: str, inner: str) -> bool:
        """True when `inner` lies inside `outer` (or equals it)."""
        return self._handle.contains(outer, inner)

    def adhoc_names(self) -> List[str]:
        """Names of the ad-hoc perimeters, sorted."""
        return self._handle.adhoc_names()

    def adhoc_members(self, name: str) -> List[str]:
        """INSEE codes of an ad-hoc perimeter, sorted; empty when unknown."""
        return self._handle.adhoc_members(name)

    def commune_codes(self) -> List[str]:
        """Every commune code, sorted."""
        return self._handle.commune_codes()

    def __len__(self) -> int:
        """Number of communes."""
        return self._handle.commune_count()

    def __repr__(self) -> str:
        return f"<aides.Geography {len(self)} communes, ad-hoc {self.adhoc_names()}>"


class Searcher(_OnDisk):
    """A read-only handle on an index. :meth:`search` may be called from several threads at
    once (the GIL is released while it runs). It sees the last commit made when it was
    opened, and reopens itself when a writer commits underneath.

    :raises IndexError: when `path` is missing, corrupt or of another format version.
    """

    def __init__(self, path: PathLike) -> None:
        self._handle = _aides.Searcher(os.fspath(path))
        self._geography: Optional[Geography] = None

    def search(self, text: Optional[str] = "", *, commune: Optional[str] = None, perimeter: Optional[str] = None,
               audiences: Values = None, themes: Values = None, categories: Values = None,
               aid_types: Values = None, steps: Values = None, destinations: Values = None,
               programs: Values = None, backers: Values = None, recurrences: Values = None,
               call_for_projects: bool = False, is_charged: Optional[bool] = None,
               apply_before: Optional[Date] = None, published_after: Optional[Date] = None,
               today: Optional[Date] = None, include_expired: bool = False, order: str = "relevance",
               page: int = 1, size: int = 20, facets: bool = False, explain: bool = False,
               snippets: bool = True, like: Optional[Union[str, int]] = None,
               portal: Optional[Union[PathLike, "_aides.Portal"]] = None,
               strict: bool = False, execution: str = "auto") -> SearchResult:
        """Finds the aids that fit; the keyword arguments mirror ``aides-search`` flags.

        :param text: words AND-ed (stems, accents, synonyms handled), ``,`` between OR-groups,
            ``"..."`` a phrase, ``-word`` an exclusion (``--text`` / plain arguments).
        :param commune: INSEE code, unique name or postcode (``--commune``); implies
            ``audiences=["commune"]`` unless `audiences` is given.
        :param perimeter: any perimeter ``SCALE:CODE`` (``--perimeter``), e.g. ``department:29``.
        :param audiences, themes, categories, aid_types, steps, destinations, programs, backers,
            recurrences: one string or a list; values of one filter are OR-ed, filters AND-ed
            (``--audience``, ``--theme``, ``--category``, ``--aid-type``, ``--step``,
            ``--destination``, ``--program``, ``--backer``, ``--recurrence``).
        :param call_for_projects: only calls for projects.
        :param is_charged: True only paid services, False only free ones (``--charged``).
        :param apply_before: deadline on or before this date; aids without deadline dropped.
        :param published_after: published on or after this date.
        :param today: the date used for "open" (default: the real date).
        :param include_expired: keep aids whose deadline has passed.
        :param order: ``relevance`` (default), ``deadline`` or ``published``.
        :param page: 1-based page. :param size: results per page, 1 to 1000.
        :param facets: add facet counts. :param explain: add to each hit why it matched.
        :param snippets: False leaves each hit's ``snippet`` empty (a list of titles, an export;
            a text search is then about a quarter cheaper).
        :param like: an aid id: aids similar to it.
        :param portal: a :class:`Portal` (read once with ``Portal.load``, shared by every
            search in it), or the path of a portal JSON file, read for this search.
        :param strict: only aids with every word (``--strict``); by default, when they do not
            fill the page, aids with part of the words follow, each ``partial`` with the words
            it lacks in ``missing``.
        :param execution: which executor runs the search (``--executor``): ``auto``, ``xapian``
            or ``memory``; the answer is the same, only its cost differs.
        :raises UsageError: unknown commune, enum value, theme or category, bad date, size...
        :raises IndexError: on I/O errors.
        """
        request = _aides.SearchRequest()
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise TypeError(f"text: expected a string, got {type(text).__name__}")
        request.text = text
        request.commune = str(commune) if commune is not None else ""
        request.perimeter = perimeter or ""
        request.audiences = _strings("audiences", audiences)
        request.themes = _strings("themes", themes)
        request.categories = _strings("categories", categories)
        request.aid_types = _strings("aid_types", aid_types)
        request.steps = _strings("steps", steps)
        request.destinations = _strings("destinations", destinations)
        request.programs = _strings("programs", programs)
        request.backers = _strings("backers", backers)
        request.recurrences = _strings("recurrences", recurrences)
        request.call_for_projects = bool(call_for_projects)
        request.is_charged = None if is_charged is None else bool(is_charged)
        request.apply_before = _date("apply_before", apply_before)
        request.published_after = _date("published_after", published_after)
        request.today = _date("today", today)
        request.include_expired = bool(include_expired)
        if order not in _ORDERS:
            raise _usage_error(f'unknown order "{order}" (expected relevance, deadline or published)', str(order))
        request.order = _ORDERS[order]
        if isinstance(page, bool) or isinstance(size, bool) or not isinstance(page, int) or not isinstance(size, int):
            raise TypeError("page and size must be integers")
        if not 1 <= page <= 1_000_000:
            raise _usage_error(f"page must be between 1 and 1000000, got {page}", str(page))
        if not 1 <= size <= 1000:
            raise _usage_error(f"size must be between 1 and 1000, got {size}", str(size))
        request.page = page
        request.size = size
        request.facets = bool(facets)
        request.explain = bool(explain)
        request.snippets = bool(snippets)
        request.strict = bool(strict)
        request.execution = str(execution)
        request.like = str(like) if like is not None else ""
        if isinstance(portal, _aides.Portal):
            request.portal = portal
        elif portal is not None:
            request.portal = _aides.Portal.load(portal)
        return SearchResult(self._handle.search_json(request))

    def profile(self, commune: str) -> CommuneProfile:
        """A commune's profile (``aides-search --profile``), by INSEE code, unique name or
        postcode. :raises UsageError: unknown or ambiguous commune."""
        return CommuneProfile.from_dict(json.loads(self._handle.profile_json(str(commune))))

    def get(self, id: Union[str, int]) -> Optional[Dict[str, Any]]:
        """The aid record with this id (any status) as a dict, or None."""
        text = self._handle.get_json(str(id))
        return None if text is None else json.loads(text)

    @property
    def geography(self) -> Geography:
        """The geography held by the index, ad-hoc lists included."""
        if self._geography is None:
            self._geography = Geography(self._handle.geography())
        return self._geography

    def resolve_commune(self, query: str) -> str:
        """Shortcut for ``geography.resolve_commune``."""
        return self.geography.resolve_commune(query)

    def find_communes(self, query: str) -> List[str]:
        """Shortcut for ``geography.find_communes``."""
        return self.geography.find_communes(query)

    def perimeters_of_commune(self, code: str) -> List[str]:
        """Shortcut for ``geography.perimeters_of_commune``."""
        return self.geography.perimeters_of_commune(code)

    def __len__(self) -> int:
        """Number of aids in the index (any status)."""
        return self._handle.size()

    def close(self) -> None:
        """Releases the index files; searches already running finish first."""
        self._handle.close()

