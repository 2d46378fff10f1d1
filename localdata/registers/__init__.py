"""Organisations that publish local government data, and every identifier they go by.

The register covers every English local authority that planning.data.gov.uk or mySociety
list, current and abolished (the 2019-2023 reorganisations), combined authorities and the
Greater London Authority, national park authorities, development corporations, waste
authorities, passenger transport executives (among them Transport for London), Lee Valley
Regional Park Authority, the government organisations planning.data.gov.uk lists, and bodies
no reference lists but that publish spending like councils, added from public record (see
``tools/build_register.py``): England's police and crime commissioners and London's Mayor's
Office for Policing and Crime, and two fire and rescue authorities (Lancashire Combined Fire
Authority, the London Fire Commissioner).

Use it like this::

    from localdata.registers import Register
    register = Register.default()
    register.get("local-authority:HYN").name              # 'Hyndburn'
    register.resolve("http://statistics.data.gov.uk/doc/local-authority/00DA").id
    register.resolve("Taunton Deane", on=date(2018, 5, 1)).id   # 'local-authority:TAU'
    register.resolve("Taunton Deane", on=date(2024, 5, 1)).id   # 'local-authority:SUA'

Ids
    An organisation's id is its planning.data.gov.uk curie wherever it has one:
    ``local-authority:<code>`` for councils, combined authorities and the GLA
    (``local-authority:LDS``), ``<dataset>:<Wikidata item>`` for most other bodies
    (``national-park-authority:Q72617988``, ``development-corporation:Q20648596``) and
    ``government-organisation:<GOV.UK code>`` for departments and agencies (``D1342``).
    Councils that planning.data.gov.uk does not list yet take mySociety's register code
    (``local-authority:GLCA``). Bodies in no reference take ``<type>:<place>`` in lower case
    (``fire-authority:lancashire``, ``police-and-crime-commissioner:thames-valley``); these
    cannot clash with planning.data curies, whose references are capitals or Q-numbers. When
    planning.data lists one body twice (``local-authority:SCR`` and ``local-authority:SYMCA``)
    the older id is kept as an identifier of the newer, and ``Register.get`` accepts either.

Data files (``data/``, UTF-8 CSV, built by ``tools/build_register.py``; do not edit by hand)
    ``organisations.csv``: ``id, name, official_name, type, region, region_code, gss_code,
    start_date, end_date, successor_ids, website, sources``. ``name`` is the short name
    ("Leeds"); ``type`` is a slug from ``TYPE_NAMES``; dates are ISO 8601, ``start_date`` the
    first day and ``end_date`` the last day the body existed (blank: unknown, or still
    exists); ``successor_ids`` and ``sources`` are separated by ``;``.

    ``identifiers.csv``: ``organisation_id, scheme, value, sources``, one row per code or
    name. Schemes: ``curie`` (also former ones such as ``local-authority-eng:LDS``), ``gss``
    (current, former, local planning authority and national park codes), ``snac`` (SNAC and
    old ONS codes such as ``00DA``, ``23UB``, and two-digit county codes), ``register-code``
    (planning.data and mySociety three-to-five letter codes), ``billing-authority``
    (``E4704``), ``opendatacommunities`` (URIs), ``wikidata``, ``planning-data-entity``,
    ``local-custodian-code`` (AddressBase), ``govuk-slug`` and ``name`` (every spelling seen).

Resolving
    ``Register.resolve`` accepts any of those forms, with or without surrounding spaces,
    ``http`` or ``https``, ``/id/`` or ``/doc/`` and a trailing slash, and also two-digit
    county SNAC codes (``18``, Devon), 360Giving / org-id.guide identifiers whose list the
    register holds (``GB-LAE-TRF`` is ``local-authority-eng:TRF``; ``GB-GOR-`` a government
    organisation) and a GSS code inside other words ("Maidstone E07000110"). Names are matched
    without case or punctuation (see ``names.py``), first whole, then in a short form ("Barrow
    Borough Council", "Royal Borough of Kingston"), then by initials (``KMBC``, ``LBHF``), then
    without words such as "Borough Council" or "London Borough of" (so "Fylde Council" finds
    Fylde Borough Council), then by a body's kind and place ("Derbyshire PCC", "Thames Valley
    Police"). A leading number (" 51 Council of the Isles of Scilly") is left out, and words
    run together are split ("ForestHeathDistrictCouncil"). Capitalised three-to-five letter
    codes (``HYN``) are tried before names. These forms are made by rule from every name the
    register holds, so each council has them, not only the ones seen in real files.

    ``Register.named_in`` finds the organisations a line of free text (a title above a table)
    names in full: "Hyndburn Borough Council - payments over £250" names Hyndburn, but a place
    alone ("Hyndburn") or a word such as "council" names nobody.

    When an identifier could mean more than one organisation, the date of the data decides:
    the one that existed on that day. Without a date, or if still more than one fits, the
    answer is ``None`` rather than a guess ("Somerset" is the county council before
    April 2023 and Somerset Council after). For data dated after an organisation was
    abolished, its code resolves to the successor when there is exactly one, following the
    chain (Taunton Deane -> Somerset West and Taunton -> Somerset Council), and to ``None``
    when it was split (Cumbria). Without a date, an identifier that names one organisation
    resolves to it even if it no longer exists.
"""

from __future__ import annotations

from localdata.registers.organisation import COUNCIL_TYPES, TYPE_NAMES, Identifier, Organisation
from localdata.registers.register import Register

__all__ = ["COUNCIL_TYPES", "TYPE_NAMES", "Identifier", "Organisation", "Register"]
