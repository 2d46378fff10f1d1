"""Normalised forms of organisation names, for matching names written in many ways.

``normalise_name`` folds case, accents, punctuation, ``&`` and "Saint" so that "St. Helens
Council" and "st helens council" meet. ``council_cores`` strips the words that say what kind
of council a name belongs to ("Borough Council", "London Borough of", "City of ... Council"),
leaving the place: "Royal Borough of Kingston upon Thames" becomes "kingston upon thames".
``body_cores`` does the same for other bodies ("Peak District National Park Authority" becomes
"peak district").
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_SPELLINGS = {"saint": "st"}

# Longest first: the first that matches is the one removed.
_COUNCIL_SUFFIXES = [
    "metropolitan borough council",
    "metropolitan district council",
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
_COUNCIL_PREFIXES = [
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
_BODY_SUFFIXES = [
    "national park authority",
    "national park",
    "mayoral combined authority",
    "combined county authority",
    "combined authority",
    "combined fire authority",
    "fire and rescue service",
    "fire and rescue authority",
    "fire authority",
    "waste disposal authority",
    "waste authority",
    "passenger transport executive",
    "regional park authority",
    "authority",
]
# Cores too general to name one council on their own.
_TOO_GENERAL = {"", "london", "city", "county", "borough", "district"}


def normalise_name(text: str) -> str:
    """The name in lower case, with punctuation, accents and spacing evened out."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    words = [_SPELLINGS.get(word, word) for word in _NOT_WORD.sub(" ", text).split()]
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def _strip(name: str, affixes: list[str], *, at_end: bool) -> str:
    """The name without the first of the affixes it starts or ends with."""
    for affix in affixes:
        if at_end and name.endswith(" " + affix):
            return name[: -len(affix) - 1]
        if not at_end and name.startswith(affix + " "):
            return name[len(affix) + 1 :]
    return name


def council_cores(name: str) -> set[str]:
    """The place a council name is about, without the words for its kind of council."""
    normal = normalise_name(name)
    without_suffix = _strip(normal, _COUNCIL_SUFFIXES, at_end=True)
    core = _strip(without_suffix, _COUNCIL_PREFIXES, at_end=False)
    cores = {core, _strip(normal, _COUNCIL_PREFIXES, at_end=False)}
    return {c for c in cores if c != normal and c not in _TOO_GENERAL}


def body_cores(name: str) -> set[str]:
    """The place another public body's name is about, without words like "Authority"."""
    normal = normalise_name(name)
    core = _strip(normal, _BODY_SUFFIXES, at_end=True)
    return {core} if core != normal and core not in _TOO_GENERAL else set()
