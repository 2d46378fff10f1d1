"""Normalised forms of organisation names, for matching names written in many ways.

``normalise_name`` folds case, accents, punctuation, ``&`` and "Saint" so that "St. Helens
Council" and "st helens council" meet. ``council_cores`` strips the words that say what kind
of council a name belongs to ("Borough Council", "London Borough of", "City of ... Council",
a trailing ", City of"), leaving the place: "Royal Borough of Kingston upon Thames" becomes
"kingston upon thames". A place named "X upon (on, in, under) Y" is often written X alone
("Barrow Borough Council", "Stoke City Council"): ``short_cores`` gives that place
("barrow"), and ``short_names`` the short form of a whole name ("Royal Borough of Kingston").

``body_forms`` does the same for other bodies and says what kind of body the words named:
"Peak District National Park Authority" is ``("national-park", "peak district")``, "Derbyshire
PCC" and "Police and Crime Commissioner for Derbyshire" are both ``("police", "derbyshire")``.
The kind keeps a county's fire authority and its police and crime commissioner apart. A
police force's name ("Thames Valley Police", "Durham Constabulary") is read as its
commissioner's, because the commissioner publishes the force's spending.

``initials`` are the capitals people write for long names: "KMBC" (Knowsley Metropolitan
Borough Council), "LBHF" (London Borough of Hammersmith and Fulham), "TfL".
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPELLINGS = {"saint": "st"}


def _longest_first(affixes: list[str]) -> list[str]:
    """Affixes with more words first, so "london borough council" goes before "council"."""
    return sorted(affixes, key=lambda affix: -len(affix.split()))


# The first that matches is the one removed.
_COUNCIL_SUFFIXES = _longest_first(
    [
        "metropolitan borough council",
        "metropolitan district council",
        "london borough council",
        "royal borough council",
        "county borough council",
        "borough council",
        "city council",
        "district council",
        "county council",
        "unitary authority",
        "unitary council",
        "council",
        "metropolitan borough",
        "metropolitan district",
        # Inverted names, as in statistical lists: "Kingston upon Hull, City of".
        "london borough of",
        "royal borough of",
        "city and county of",
        "city of",
        "county of",
        "borough of",
        "borough",
        "district",
        "county",
        "city",
        "mbc",
        "mdc",
        "bc",
        "dc",
        "cc",
    ]
)
_COUNCIL_PREFIXES = _longest_first(
    [
        "city and county of the",
        "london borough of",
        "royal borough of",
        "metropolitan borough of",
        "borough council of",
        "council of the",
        "county borough of",
        "borough of",
        "district of",
        "county of",
        "city of",
        "county",
    ]
)
_POLICE = "police"
_BODY_SUFFIXES = dict(
    sorted(
        {
            "national park authority": "national-park",
            "national park": "national-park",
            "mayoral combined authority": "combined",
            "combined county authority": "combined",
            "combined authority": "combined",
            "combined fire authority": "fire",
            "fire and rescue service": "fire",
            "fire and rescue authority": "fire",
            "fire and rescue": "fire",
            "fire authority": "fire",
            "fire service": "fire",
            "fire brigade": "fire",
            "waste disposal authority": "waste",
            "waste authority": "waste",
            "passenger transport executive": "transport",
            "regional park authority": "regional-park",
            "police fire and crime commissioner": _POLICE,
            "police and crime commissioner": _POLICE,
            "police crime and victims commissioner": _POLICE,
            "police service": _POLICE,
            "constabulary": _POLICE,
            "police": _POLICE,
            "opcc": _POLICE,
            "pfcc": _POLICE,
            "pcc": _POLICE,
            "authority": "authority",
        }.items(),
        key=lambda pair: -len(pair[0].split()),
    )
)
_BODY_PREFIXES = dict(
    sorted(
        {
            "office of the police fire and crime commissioner for": _POLICE,
            "office of the police and crime commissioner for": _POLICE,
            "police fire and crime commissioner for": _POLICE,
            "police and crime commissioner for": _POLICE,
            "opcc for": _POLICE,
            "pcc for": _POLICE,
        }.items(),
        key=lambda pair: -len(pair[0].split()),
    )
)
# Cores too general to name one council (or one body of any kind) on their own.
TOO_GENERAL = {"", "london", "city", "county", "borough", "district"}
# For other bodies the kind narrows the place down: London has one fire brigade.
_TOO_GENERAL_BODY = {"", "city", "county", "borough", "district", "the"}
# Places written "X upon Y": the first word is often the whole name ("Barrow", "Stoke").
_CONNECTORS = {"upon", "on", "in", "under"}
# Words left out of initials: "London Borough of Hammersmith and Fulham" is LBHF.
_LINKING_WORDS = {"of", "and", "the", "for", "upon", "on", "in", "under"}


def normalise_name(text: str) -> str:
    """The name in lower case, with punctuation, accents and spacing evened out."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    words = [_SPELLINGS.get(word, word) for word in _NOT_WORD.sub(" ", text).split()]
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def split_joined_words(text: str) -> str:
    """Words run together in capitals split apart: "ForestHeathDistrictCouncil" gains spaces.

    Only text without spaces and with at least two joins is split, so "TfL" stays whole.
    """
    if any(c.isspace() for c in text.strip()) or len(_CAMEL.findall(text)) < 2:
        return text
    return _CAMEL.sub(" ", text)


def _strip(name: str, affixes: list[str], *, at_end: bool) -> str:
    """The name without the first of the affixes it starts or ends with."""
    for affix in affixes:
        if at_end and name.endswith(" " + affix):
            return name[: -len(affix) - 1]
        if not at_end and name.startswith(affix + " "):
            return name[len(affix) + 1 :]
    return name


def _short_place(place: str) -> str | None:
    """The first word of a place written "X upon Y" ("barrow in furness" is "barrow")."""
    words = place.split()
    if len(words) == 3 and words[1] in _CONNECTORS:
        return words[0]
    return None


def council_cores(name: str) -> set[str]:
    """The place a council name is about, without the words for its kind of council."""
    normal = normalise_name(name)
    without_suffix = _strip(normal, _COUNCIL_SUFFIXES, at_end=True)
    core = _strip(without_suffix, _COUNCIL_PREFIXES, at_end=False)
    cores = {core, _strip(normal, _COUNCIL_PREFIXES, at_end=False)}
    return {c for c in cores if c != normal and c not in TOO_GENERAL}


def short_cores(name: str) -> set[str]:
    """The place of a council name shortened, when it is written "X upon Y": "barrow"."""
    places = council_cores(name) | {normalise_name(name)}
    return {short for c in places if (short := _short_place(c)) and short not in TOO_GENERAL}


def has_council_words(name: str) -> bool:
    """Whether a name says it is a council's ("Hyndburn Borough Council", "London Borough of
    Camden"), as a place alone ("Hyndburn", "Kingston upon Thames") does not."""
    normal = normalise_name(name)
    without_suffix = _strip(normal, _COUNCIL_SUFFIXES, at_end=True)
    core = _strip(without_suffix, _COUNCIL_PREFIXES, at_end=False)
    return core != normal and core not in TOO_GENERAL


def short_names(name: str) -> set[str]:
    """The name with a place "X upon Y" shortened to X: "Royal Borough of Kingston"."""
    words = normalise_name(name).split()
    found = set()
    for index in range(1, len(words) - 1):
        if words[index] in _CONNECTORS and words[index - 1] not in _LINKING_WORDS:
            found.add(" ".join(words[:index] + words[index + 2 :]))
    return found


def body_forms(name: str) -> set[tuple[str, str]]:
    """(kind, place) pairs for a body's name: "Derbyshire PCC" is ("police", "derbyshire")."""
    normal = normalise_name(name)
    forms = set()
    for suffix, kind in _BODY_SUFFIXES.items():
        if normal.endswith(" " + suffix):
            forms.add((kind, normal[: -len(suffix) - 1]))
            break
    for prefix, kind in _BODY_PREFIXES.items():
        if normal.startswith(prefix + " "):
            forms.add((kind, normal[len(prefix) + 1 :]))
            break
    return {(kind, core) for kind, core in forms if core not in _TOO_GENERAL_BODY}


def body_cores(name: str) -> set[str]:
    """The place another public body's name is about, without words like "Authority"."""
    return {core for _, core in body_forms(name)}


def initials(name: str) -> set[str]:
    """The initials people write for a name of three or more words: KMBC, LBHF, TFL."""
    words = normalise_name(name).split()
    every = "".join(w[0] for w in words)
    main = "".join(w[0] for w in words if w not in _LINKING_WORDS)
    return {i.upper() for i in (every, main) if 3 <= len(i) <= 6 and i.isalpha()}
