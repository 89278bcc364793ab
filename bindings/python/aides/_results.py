"""Result objects: thin, read-only views over the library's JSON.

Every object keeps the dict it was made from, so ``to_dict()`` returns exactly what
``aides-search --format json`` (or ``--profile``) prints, parsed with ``json.loads``.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional

__all__ = ["Place", "CommuneProfile", "Explanation", "Hit", "SearchResult"]

# Fields of the canonical aid record, with the value a hit reports when the record leaves
# the field out (the library omits empty optional fields from its JSON).
_AID_FIELDS: Dict[str, Any] = {
    "id": None, "slug": "", "url": "", "name": "", "name_initial": "", "short_title": "",
    "description": "", "eligibility": "", "project_examples": "",
    "financers": [], "instructors": [], "programs": [], "categories": [],
    "targeted_audiences": [], "aid_types": [], "mobilization_steps": [], "destinations": [],
    "recurrence": "", "is_call_for_project": False, "is_charged": False,
    "perimeter": "country:FRA", "start_date": None, "predeposit_date": None,
    "submission_deadline": None, "subvention_rate_lower_bound": None,
    "subvention_rate_upper_bound": None, "loan_amount": None, "recoverable_advance_amount": None,
    "date_published": "", "date_updated": "", "status": "published", "generic_aid": None,
}
# Keys a result adds to the record.
_HIT_ONLY = ("score", "perimeter_name", "snippet", "why", "partial", "missing")


@dataclass(frozen=True)
class Place:
    """A code and its name, e.g. ``Place("29", "Finistère")``."""

    code: str
    name: str


@dataclass(frozen=True)
class CommuneProfile:
    """What the engine knows of a commune (``aides-search --profile``).

    ``epci`` is None for the few communes outside any EPCI; ``perimeters`` lists every perimeter
    that makes an aid eligible for the commune, narrowest first; ``note`` says how the input was
    read when it named the commune otherwise (a former name or code, a postcode), else "".
    """

    code: str
    name: str
    population: int
    epci: Optional[Place]
    department: Place
    region: Optional[Place]
    zone: str
    postcodes: List[str]
    perimeters: List[str]
    _data: Dict[str, Any] = field(repr=False, compare=False)
    note: str = ""

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "CommuneProfile":
        """Builds a profile from its contract JSON (as parsed by ``json.loads``)."""
        def place(value: Optional[Dict[str, str]]) -> Optional[Place]:
            return Place(value["code"], value["name"]) if value else None

        return cls(code=data["code"], name=data["name"], population=data["population"],
                   epci=place(data.get("epci")), department=place(data["department"]),  # type: ignore[arg-type]
                   region=place(data.get("region")), zone=data["zone"],
                   postcodes=list(data.get("postcodes", [])), perimeters=list(data["perimeters"]),
                   _data=data, note=data.get("note", ""))

    def to_dict(self) -> Dict[str, Any]:
        """The profile as ``aides-search --profile CODE --format json`` prints it."""
        return copy.deepcopy(self._data)


@dataclass(frozen=True)
class Explanation:
    """Why an aid matched (``explain=True``): the perimeter that made it eligible, the filters
    it passed, and for each field the query words found in it."""

    perimeter: str
    filters: List[str]
    matched: Dict[str, List[str]]


class Hit:
    """One result. The main fields are attributes (``id``, ``name``, ``score``,
    ``perimeter``, ``perimeter_name``, ``submission_deadline``, ``snippet``, ``why``); every
    other field of the aid record is an attribute too (``hit.aid_types``, ``hit.financers``),
    with an empty value when the record leaves it out. ``aid`` is the record as a dict.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data

    @property
    def id(self) -> str:
        return self._data["id"]

    @property
    def name(self) -> str:
        return self._data["name"]

    @property
    def score(self) -> float:
        """Relevance in [0, 1] with text (the best match of the result is 1); 0 without."""
        return self._data["score"]

    @property
    def perimeter(self) -> str:
        """``SCALE:CODE``, e.g. ``department:29``."""
        return self._data["perimeter"]

    @property
    def perimeter_name(self) -> str:
        """The perimeter's name, e.g. ``Finistère``."""
        return self._data.get("perimeter_name", self._data["perimeter"])

    @property
    def submission_deadline(self) -> Optional[str]:
        return self._data.get("submission_deadline")

    @property
    def snippet(self) -> str:
        """HTML-escaped extract of the description, query words in ``<mark>``."""
        return self._data.get("snippet", "")

    @property
    def partial(self) -> bool:
        """True when the aid has only part of the words (it follows every full match)."""
        return bool(self._data.get("partial", False))

    @property
    def missing(self) -> List[str]:
        """A partial hit's words it lacks, as typed; empty for a full match."""
        return list(self._data.get("missing", []))

    @property
    def why(self) -> Optional[Explanation]:
        """Why it matched, when the search had ``explain=True``."""
        why = self._data.get("why")
        if why is None:
            return None
        return Explanation(why["perimeter"], list(why["filters"]), {k: list(v) for k, v in why["matched"].items()})

    @property
    def aid(self) -> Dict[str, Any]:
        """The aid record (canonical JSON fields), without the result's own keys."""
        return {k: copy.deepcopy(v) for k, v in self._data.items() if k not in _HIT_ONLY}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in _AID_FIELDS:
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")
        return copy.deepcopy(self._data.get(name, _AID_FIELDS[name]))

    def get(self, key: str, default: Any = None) -> Any:
        """The value of a key of the result's JSON, or `default`."""
        return copy.deepcopy(self._data.get(key, default))

    def to_dict(self) -> Dict[str, Any]:
        """The result as in the ``results`` list of the CLI's JSON."""
        return copy.deepcopy(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hit) and other._data == self._data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Hit {self.id!r} {self.name!r} score={self.score} perimeter={self.perimeter!r}>"


class SearchResult:
    """A search response: ``count`` (exact number of matching aids), ``page``, ``size``,
    ``results`` (list of :class:`Hit`), ``facets`` (facet -> value -> count, or None without
    ``facets=True``), ``suggestion`` ("did you mean", or None), ``relaxed`` and ``missing`` (a
    group of words was relaxed, leaving these out), ``ignored`` (stopwords dropped), ``commune``
    (which commune was searched, with any note on how it was read), ``warnings``.

    Iterating or ``len()`` goes over the hits of the page. ``to_dict()`` is the CLI's JSON.
    """

    __slots__ = ("_data", "_text", "results")

    def __init__(self, text: str) -> None:
        self._text = text
        self._data: Dict[str, Any] = json.loads(text)
        self.results: List[Hit] = [Hit(hit) for hit in self._data["results"]]

    count = property(lambda self: self._data["count"], doc="Exact number of matching aids.")
    page = property(lambda self: self._data["page"], doc="1-based page.")
    size = property(lambda self: self._data["size"], doc="Page size.")
    facets = property(lambda self: copy.deepcopy(self._data.get("facets")),
                      doc="Facet name -> value -> number of matching aids; None without facets=True.")
    suggestion = property(lambda self: self._data.get("suggestion"), doc='"Did you mean" text, or None.')
    relaxed = property(lambda self: self._data.get("relaxed", False), doc="True when a group of words was relaxed.")
    missing = property(lambda self: list(self._data.get("missing", [])), doc="Words left out by relaxation.")
    partial_count = property(lambda self: self._data.get("partial_count", 0),
                             doc="Aids with part of the words, which may follow the full matches (not in count).")
    ignored = property(lambda self: list(self._data.get("ignored", [])), doc="Stopwords dropped from the text.")
    commune = property(lambda self: copy.deepcopy(self._data.get("commune")),
                       doc='The commune searched for: {"code", "name", "department": {"code", "name"}, "note"?}, '
                           "or None without commune=.")
    warnings = property(lambda self: list(self._data.get("warnings", [])),
                        doc="What to tell the user: a backer matching no aid, a page past the end.")

    @property
    def ids(self) -> List[str]:
        """Ids of the hits, in order."""
        return [hit.id for hit in self.results]

    def to_dict(self) -> Dict[str, Any]:
        """The response as ``aides-search --format json`` prints it (parsed)."""
        return json.loads(self._text)

    def to_json(self) -> str:
        """The response as ``aides-search --format json`` prints it (one line, no newline)."""
        return self._text

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.results)

    def __getitem__(self, i: int) -> Hit:
        return self.results[i]

    def __repr__(self) -> str:
        return f"<SearchResult count={self.count} page={self.page} hits={len(self.results)}>"
