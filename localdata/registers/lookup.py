"""Lookup keys: what the register indexes identifiers by, and what a query turns into.

Both sides go through this module, so a code is matched however it is written. A key is a
string such as ``gss:E08000035``. A query becomes *tiers* of keys, most specific first; the
register answers from the first tier that matches anything.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from localdata.registers.names import (
    TOO_GENERAL,
    body_forms,
    council_cores,
    has_council_words,
    initials,
    normalise_name,
    short_cores,
    split_joined_words,
)

GSS = re.compile(r"^[EWSNK]\d{8}$", re.IGNORECASE)
EMBEDDED_GSS = re.compile(r"\b[EWSNK]\d{8}\b", re.IGNORECASE)
SNAC = re.compile(r"^\d\d[A-Z]{2}$", re.IGNORECASE)
COUNTY_SNAC = re.compile(r"^\d\d$")
CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:[A-Za-z0-9][A-Za-z0-9-]*$")
BILLING = re.compile(r"^E\d{4}$", re.IGNORECASE)
WIKIDATA = re.compile(r"^Q\d+$", re.IGNORECASE)
REGISTER_CODE = re.compile(r"^[A-Z]{3,5}$")
INITIALS = re.compile(r"^[A-Za-z]{3,6}$")
ORG_ID = re.compile(r"^([A-Z]{2}-[A-Z]{2,5})-([A-Za-z0-9]+)$", re.IGNORECASE)
LEADING_NUMBER = re.compile(r"^\d+\s+(?=\S*[A-Za-z])")
URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)", re.IGNORECASE)
EMBEDDED_URL = re.compile(r"https?://\S+", re.IGNORECASE)
INVISIBLE = "\ufeff\u200b\u00a0\"'<>"
FILE_ENDINGS = re.compile(r"\.(?:json|html?|csv|ttl|rdf|xml|jsonld)$", re.IGNORECASE)
ODC_VIEWS = {"id", "doc", "data", "resource"}
# org-id.guide list codes (as 360Giving uses them: GB-LAE-TRF) and the register they name.
# Only the lists whose codes the register holds as curies are here: the register is England's.
ORG_ID_SCHEMES = {
    "GB-LAE": "local-authority-eng",
    "GB-GOR": "government-organisation",
}

Tiers = list[list[str]]


def flat(slug: str) -> str:
    """A URI slug without hyphens or case, so that ``mole-valley`` meets ``molevalley``."""
    return re.sub(r"[^0-9a-z]", "", slug.casefold())


def keys_for(scheme: str, value: str) -> list[str]:
    """The index keys one identifier of a scheme is found under."""
    value = value.strip()
    if scheme == "name":
        return [f"name:{normalise_name(value)}"]
    if scheme == "opendatacommunities":
        return opendatacommunities_keys(value)
    if scheme == "curie":
        return [f"curie:{value.casefold()}"]
    if scheme == "website":
        return [f"website:{website_host(value)}"]
    return [f"{scheme}:{value.upper()}"]


def website_host(url: str) -> str:
    """The host of a website address, without ``www.``: ``leeds.gov.uk``."""
    if not URL.match(url):
        return ""
    if url.casefold().startswith("www."):
        url = "http://" + url
    return urlsplit(url.strip()).netloc.casefold().removeprefix("www.")


def opendatacommunities_keys(uri: str) -> list[str]:
    """Keys for an opendatacommunities.org URI: by type and slug, and by slug alone."""
    segments = _segments(uri)
    if len(segments) < 2:
        return []
    kind, slug = segments[-2], segments[-1]
    return [f"opendatacommunities:{flat(kind)}/{flat(slug)}", f"odc-slug:{flat(slug)}"]


def _segments(uri: str) -> list[str]:
    """The path segments of a URI, without an id/doc view word or a file ending."""
    segments = [s for s in urlsplit(uri.strip()).path.split("/") if s]
    if segments and segments[0].casefold() in ODC_VIEWS:
        segments = segments[1:]
    if segments:
        segments[-1] = FILE_ENDINGS.sub("", segments[-1])
    return segments


def name_keys(name: str, *, council: bool) -> list[str]:
    """The core-name keys for an organisation's name: council cores, or a body's kinds."""
    if council:
        cores = council_cores(name)
        if not has_council_words(name) and normalise_name(name) not in TOO_GENERAL:
            cores.add(normalise_name(name))  # "Hyndburn": the name is the place
        return [f"core:{c}" for c in cores] + [f"short-core:{c}" for c in short_cores(name)]
    forms = body_forms(name)
    general = [f"body:{core}" for _, core in forms if core not in TOO_GENERAL]
    return general + [f"body-{kind}:{core}" for kind, core in forms]


def initials_keys(name: str) -> list[str]:
    """The keys for the initials of a name (``initials:KMBC``)."""
    return [f"initials:{i}" for i in initials(name)]


def query_tiers(text: str) -> Tiers:
    """The keys to try for an identifier as written in a file, most specific first."""
    text = text.strip().strip(INVISIBLE).strip()
    if not text:
        return []
    if URL.match(text):
        return url_tiers(text)
    embedded = EMBEDDED_URL.search(text)
    if embedded:
        return url_tiers(embedded.group(0))
    if GSS.match(text):
        return [[f"gss:{text.upper()}"]]
    org_id = ORG_ID.match(text)
    if org_id and org_id.group(1).upper() in ORG_ID_SCHEMES:
        scheme = ORG_ID_SCHEMES[org_id.group(1).upper()]
        return [[f"curie:{scheme}:{org_id.group(2).casefold()}"]]
    if CURIE.match(text):
        return [[f"curie:{text.casefold()}"]]
    if SNAC.match(text) or COUNTY_SNAC.match(text):
        return [[f"snac:{text.upper()}"]]
    if BILLING.match(text):
        return [[f"billing-authority:{text.upper()}"]]
    if WIKIDATA.match(text):
        return [[f"wikidata:{text.upper()}"]]
    code = EMBEDDED_GSS.search(text)
    if code:  # "Maidstone E07000110": the code first, then the words
        return [[f"gss:{code.group(0).upper()}"], *name_tiers(text)]
    return name_tiers(text)


def name_text(text: str) -> str:
    """A name without a leading number and with words run together split apart."""
    return split_joined_words(LEADING_NUMBER.sub("", text.strip()))


def name_tiers(text: str, *, codes: bool = True) -> Tiers:
    """Tiers for a name: a code in capitals, the whole name, its core, then a body's kind.

    A leading number is left out (" 51 Council of the Isles of Scilly", an entity number),
    and words run together are split ("StEdmundsburyBoroughCouncil"). With ``codes``, a
    register code in capitals (HYN) comes first and initials (KMBC) after the whole name.
    """
    text = name_text(text)
    normal = normalise_name(text)
    tiers: Tiers = []
    if codes and REGISTER_CODE.match(text):
        tiers.append([f"register-code:{text}"])
    tiers.append([f"name:{normal}"])
    tiers.append([f"short:{normal}"])
    if codes and INITIALS.match(text):
        tiers.append([f"initials:{text.upper()}"])
    cores = council_cores(text) | {normal}
    tiers.append([f"core:{c}" for c in sorted(cores)])
    tiers.append([f"short-core:{c}" for c in sorted(cores | short_cores(text))])
    forms = body_forms(text)
    tiers.append([f"body-{kind}:{core}" for kind, core in sorted(forms)])
    generic = {core for kind, core in forms if kind == "authority"}
    tiers.append([f"body:{c}" for c in sorted(generic | {normal})])
    return [tier for tier in tiers if tier]


def url_tiers(url: str) -> Tiers:
    """Tiers for a URI: the codes in its path first, the website it belongs to last."""
    host = website_host(url)
    inner = parse_qs(urlsplit(url).query).get("uri")
    if inner and URL.match(inner[0]):
        return url_tiers(inner[0])  # a viewer page such as opendatacommunities.org/resource?uri=
    segments = _segments(url if "://" in url else "http://" + url)
    tiers: Tiers = [codes_in(segments, county_snac=host == "statistics.data.gov.uk")]
    if host == "opendatacommunities.org" and len(segments) >= 2:
        tiers.extend(opendatacommunities_tiers(segments))
    if host.endswith(".register.gov.uk") and segments:
        tiers.insert(0, [f"curie:{host.split('.')[0]}:{segments[-1].casefold()}"])
    if host.endswith("planning.data.gov.uk") and segments[:1] == ["entity"] and len(segments) > 1:
        tiers.insert(0, [f"planning-data-entity:{segments[1]}"])
    tiers.append([f"website:{host}"])
    return [tier for tier in tiers if tier]


def codes_in(segments: list[str], *, county_snac: bool) -> list[str]:
    """Keys for any codes found among a URI's path segments, last segment first."""
    keys: list[str] = []
    for index in range(len(segments) - 1, -1, -1):
        segment = segments[index]
        if GSS.match(segment):
            keys.append(f"gss:{segment.upper()}")
        elif SNAC.match(segment) or (county_snac and COUNTY_SNAC.match(segment)):
            keys.append(f"snac:{segment.upper()}")
        elif WIKIDATA.match(segment):
            keys.append(f"wikidata:{segment.upper()}")
        elif CURIE.match(segment):
            keys.append(f"curie:{segment.casefold()}")
        elif index > 0:
            keys.append(f"curie:{segments[index - 1].casefold()}:{segment.casefold()}")
    return keys


def opendatacommunities_tiers(segments: list[str]) -> Tiers:
    """Tiers for an opendatacommunities.org path: type and slug, slug alone, slug as a name."""
    kind, slug = segments[-2], segments[-1]
    as_name = slug.replace("-", " ")
    return [
        [f"opendatacommunities:{flat(kind)}/{flat(slug)}"],
        [f"odc-slug:{flat(slug)}"],
        *name_tiers(as_name, codes=False),
    ]
