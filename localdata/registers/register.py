"""The organisation register: load it, get an organisation by id, resolve any identifier."""

from __future__ import annotations

import csv
import functools
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable

from localdata.errors import UnknownOrganisation
from localdata.registers.lookup import (
    EMBEDDED_GSS,
    EMBEDDED_URL,
    Tiers,
    initials_keys,
    keys_for,
    name_keys,
    name_text,
    name_tiers,
    query_tiers,
)
from localdata.registers.names import (
    body_forms,
    has_council_words,
    normalise_name,
    short_names,
)
from localdata.registers.organisation import Identifier, Organisation

_LONGEST_NAME_WORDS = 12
# Words that make a phrase in free text the name of a body, not just a place.
_BODY_WORDS = {
    "council",
    "borough",
    "authority",
    "corporation",
    "commissioner",
    "pcc",
    "opcc",
    "pfcc",
    "police",
    "constabulary",
    "fire",
    "brigade",
    "executive",
    "park",
    "mbc",
    "mdc",
    "bc",
    "dc",
    "cc",
}


class Register:
    """Organisations and every identifier they are known by, indexed for resolving."""

    def __init__(self, organisations: Iterable[Organisation]) -> None:
        self._by_id = {o.id: o for o in sorted(organisations, key=lambda o: o.id)}
        self._index: dict[str, set[str]] = defaultdict(set)
        self._predecessors: dict[str, list[str]] = defaultdict(list)
        self._words: dict[str, tuple[str, set[str]]] = {}
        for organisation in self._by_id.values():
            self._add_to_index(organisation)

    @classmethod
    def default(cls) -> Register:
        """The register shipped with the package (loaded once, then shared)."""
        return _default_register()

    @classmethod
    def load(cls, folder: Traversable) -> Register:
        """A register from a folder holding ``organisations.csv`` and ``identifiers.csv``."""
        identifiers: dict[str, list[Identifier]] = defaultdict(list)
        for row in _read_csv(folder / "identifiers.csv"):
            identifiers[row["organisation_id"]].append(Identifier(row["scheme"], row["value"]))
        return cls(
            _organisation_from_row(row, tuple(identifiers[row["id"]]))
            for row in _read_csv(folder / "organisations.csv")
        )

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, organisation_id: object) -> bool:
        return organisation_id in self._by_id

    def get(self, organisation_id: str) -> Organisation:
        """The organisation with this id, such as ``local-authority:HYN``, or a former id.

        Raises ``UnknownOrganisation`` when no organisation has the id.
        """
        wanted = organisation_id.strip()
        organisation = self._by_id.get(wanted)
        if organisation is None:
            former = self._index.get(f"curie:{wanted.casefold()}", set())
            organisation = self._by_id[next(iter(former))] if len(former) == 1 else None
        if organisation is None:
            raise UnknownOrganisation(
                f"There is no organisation with the id '{wanted}'. Use an id like "
                "local-authority:LDS, or search for the organisation by name or code."
            )
        return organisation

    def predecessors(self, organisation_id: str) -> list[Organisation]:
        """The organisations this one replaced, such as the councils merged into it."""
        return [self._by_id[i] for i in self._predecessors.get(organisation_id, [])]

    def identify(self, identifier: str, on: date | None = None) -> Organisation:
        """The organisation an identifier names, or a plain-English error saying what to use."""
        found = self.resolve(identifier, on)
        if found is None:
            raise UnknownOrganisation(
                f"No organisation matches '{identifier}'. Use its code, like E07000120 or "
                "local-authority:HYN, or its name; 'localdata organisations find' lists them."
            )
        return found

    def resolve(
        self, identifier: str, on: date | None = None, *, websites: bool = True
    ) -> Organisation | None:
        """The one organisation an identifier names, as of the date of the data.

        ``identifier`` can be an id or curie, a GSS, SNAC or old ONS code, a billing
        authority code, a Wikidata item, an opendatacommunities.org, statistics.data.gov.uk
        or planning.data.gov.uk URI, or a name. Returns ``None`` when nothing matches or
        when the identifier could mean more than one organisation.

        With ``on``, an organisation that existed on that day wins. If the identifier names
        an organisation that had been abolished by then, its successor is returned when it
        has exactly one (following the chain); with several successors, ``None``. Without
        ``on``, an identifier that names one organisation resolves to it, abolished or not.
        With ``websites=False`` an address found only by its website (``https://www.leeds.gov.uk/
        planning``) names nobody: a link says where a page is, not who published the data.

        Example::

            Register.default().resolve("00DA").id  # 'local-authority:LDS'
        """
        tiers = query_tiers(identifier)
        if not websites:
            tiers = [t for t in tiers if not all(k.startswith("website:") for k in t)]
        return self._resolve_tiers(tiers, on)

    def _resolve_tiers(self, tiers: Tiers, on: date | None) -> Organisation | None:
        """The one organisation the first matching tier of keys names, as of ``on``."""
        fallback: Organisation | None = None
        for tier in tiers:
            candidates = [self._by_id[i] for i in sorted(self._ids_for(tier))]
            if not candidates:
                continue
            fits = self._fits(candidates, on)
            if len(fits) > 1:
                return None
            if fits:
                return fits[0]
            if fallback is None and len(candidates) == 1:
                fallback = candidates[0]  # the code is clear, the date is outside its life
        return fallback

    def resolve_many(
        self, identifiers: Iterable[str], on: date | None = None, *, websites: bool = True
    ) -> dict[str, Organisation | None]:
        """``resolve`` for many identifiers at once, resolving each distinct value once."""
        return {
            value: self.resolve(value, on, websites=websites)
            for value in dict.fromkeys(identifiers)
        }

    def named_in(self, text: str, on: date | None = None) -> list[tuple[str, Organisation]]:
        """The organisations a line of free text names, with the words that name each.

        For titles such as "Hyndburn Borough Council - payments over £250": a name counts
        when it is written in full, with the words that say what kind of body it is
        ("Borough Council", "London Borough of", "Combined Authority", "PCC"), or when it
        is a name of a body that is not a place ("Transport for London", "TfL"). A place
        alone ("Hyndburn", "Isle of Wight") or a word such as "council" names nobody. Longer
        names are matched first, so "Hampshire and Isle of Wight Constabulary" is one name,
        not Hampshire and the Isle of Wight. URIs and GSS codes in the text count too (not
        website addresses).

        Example::

            [o.id for _, o in Register.default().named_in("Lewisham Council - March 2024")]
        """
        found = [
            (code, organisation)
            for code in [*EMBEDDED_URL.findall(text), *EMBEDDED_GSS.findall(text)]
            if (organisation := self.resolve(code, on, websites=False))
        ]
        words = normalise_name(EMBEDDED_URL.sub(" ", text)).split()
        taken = [False] * len(words)
        for size in range(min(len(words), _LONGEST_NAME_WORDS), 0, -1):
            for start in range(len(words) - size + 1):
                if any(taken[start : start + size]):
                    continue
                phrase = " ".join(words[start : start + size])
                organisation = self._named_in_full(phrase, on)
                if organisation is not None:
                    taken[start : start + size] = [True] * size
                    found.append((phrase, organisation))
        return found

    def is_full_name(self, text: str) -> bool:
        """Whether the text names a body in full: with a word for the kind of body it is
        ("Hyndburn Borough Council", "Derbyshire PCC"), or as a body's own name that is not
        a place ("Transport for London"). "Hyndburn", "HYN", "Leicester City" and "council"
        are not."""
        return self._in_full(normalise_name(name_text(text)))

    def _in_full(self, phrase: str) -> bool:
        """``is_full_name`` for a phrase already normalised."""
        if self._is_proper_name(phrase):
            return True
        named = bool(has_council_words(phrase) or body_forms(phrase))
        return named and not _BODY_WORDS.isdisjoint(phrase.split())

    def _named_in_full(self, phrase: str, on: date | None) -> Organisation | None:
        """The organisation a phrase of free text names in full, or None."""
        if not self._in_full(phrase):
            return None
        return self._resolve_tiers(name_tiers(phrase, codes=False), on)

    def _is_proper_name(self, phrase: str) -> bool:
        """Whether the phrase is the name of a body other than a council ("Transport for
        London", "TfL") and not a place on its own. A council's name says "Council" or
        "Borough" when it is written in full; "Leicester City" is a football club too."""
        if f"core:{phrase}" in self._index or f"body:{phrase}" in self._index:
            return False
        named = self._index.get(f"name:{phrase}", set())
        return bool(named) and not any(self._by_id[i].is_council for i in named)

    def find(self, query: str, limit: int = 20) -> list[Organisation]:
        """Organisations matching a query, best first: by identifier, then by name words.

        Example::

            [o.id for o in Register.default().find("north york")]
        """
        found = self._find_by_identifier(query)
        words = normalise_name(query).split()
        if words:
            found.extend(self._find_by_words(words))
        return list(dict.fromkeys(found))[:limit]

    # -- resolving ---------------------------------------------------------------------

    def _ids_for(self, keys: list[str]) -> set[str]:
        """The ids of organisations found under any of these keys."""
        return set().union(*(self._index.get(key, set()) for key in keys))

    def _fits(self, candidates: list[Organisation], on: date | None) -> list[Organisation]:
        """The candidates that fit the date: existing then, or a successor of one that ended."""
        if on is None:
            return candidates
        alive = [o for o in candidates if o.exists_on(on)]
        if alive:
            return alive
        return list({s.id: s for o in candidates for s in self._successors_on(o, on)}.values())

    def _successors_on(self, organisation: Organisation, on: date) -> list[Organisation]:
        """The organisations that had taken over from an abolished one by this day."""
        if organisation.end_date is None or on <= organisation.end_date:
            return []
        found: list[Organisation] = []
        for successor in (self._by_id[i] for i in organisation.successor_ids):
            found.extend(
                [successor] if successor.exists_on(on) else self._successors_on(successor, on)
            )
        return found

    # -- finding -----------------------------------------------------------------------

    def _find_by_identifier(self, query: str) -> list[Organisation]:
        """Every organisation in the first tier of keys that the query matches."""
        for tier in query_tiers(query):
            ids = self._ids_for(tier)
            if ids:
                return sorted((self._by_id[i] for i in ids), key=_current_first)
        return []

    def _find_by_words(self, words: list[str]) -> list[Organisation]:
        """Organisations whose names hold every word as a word or the start of one."""
        phrase = " ".join(words)
        scored = []
        for organisation_id, (main_name, vocabulary) in self._words.items():
            if all(any(v.startswith(w) for v in vocabulary) for w in words):
                organisation = self._by_id[organisation_id]
                closeness = 0 if main_name == phrase else 1 if main_name.startswith(phrase) else 2
                scored.append(((closeness, *_current_first(organisation)), organisation))
        return [organisation for _, organisation in sorted(scored, key=lambda pair: pair[0])]

    # -- indexing ----------------------------------------------------------------------

    def _add_to_index(self, organisation: Organisation) -> None:
        """Index one organisation under all its identifiers and names."""
        names = {organisation.name, organisation.official_name}
        names.update(i.value for i in organisation.identifiers if i.scheme == "name")
        entries = [
            ("curie", organisation.id),
            *((i.scheme, i.value) for i in organisation.identifiers),
        ]
        if organisation.gss_code:
            entries.append(("gss", organisation.gss_code))
        if organisation.website:
            entries.append(("website", organisation.website))
        entries.extend(("name", name) for name in names)
        for scheme, value in entries:
            for key in keys_for(scheme, value):
                self._index[key].add(organisation.id)
        for name in names:
            derived = [f"short:{short}" for short in short_names(name)]
            derived += name_keys(name, council=organisation.is_council) + initials_keys(name)
            for key in derived:
                self._index[key].add(organisation.id)
        for successor_id in organisation.successor_ids:
            self._predecessors[successor_id].append(organisation.id)
        vocabulary = {word for name in names for word in normalise_name(name).split()}
        self._words[organisation.id] = (normalise_name(organisation.name), vocabulary)


def _current_first(organisation: Organisation) -> tuple[int, str, str]:
    """A sort key: organisations that exist today first, then by name."""
    return (0 if organisation.end_date is None else 1, organisation.name, organisation.id)


def _read_csv(path: Traversable) -> list[dict[str, str]]:
    """The rows of a CSV file in the package."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _organisation_from_row(
    row: dict[str, str], identifiers: tuple[Identifier, ...]
) -> Organisation:
    """An Organisation from one organisations.csv row."""
    return Organisation(
        id=row["id"],
        name=row["name"],
        official_name=row["official_name"],
        type=row["type"],
        region=row["region"] or None,
        region_code=row["region_code"] or None,
        gss_code=row["gss_code"] or None,
        start_date=date.fromisoformat(row["start_date"]) if row["start_date"] else None,
        end_date=date.fromisoformat(row["end_date"]) if row["end_date"] else None,
        successor_ids=tuple(s for s in row["successor_ids"].split(";") if s),
        website=row["website"] or None,
        sources=tuple(s for s in row["sources"].split(";") if s),
        identifiers=identifiers,
    )


@functools.cache
def _default_register() -> Register:
    """The shipped register, read from the package data once."""
    return Register.load(files("localdata.registers") / "data")
