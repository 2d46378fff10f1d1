"""Whose metadata of a dataset a principal may see: the same rule as for reading its rows.

A version's file name, row count and submitter, its issues, and an organisation's standing in
the dataset's coverage all say something about what that organisation's data holds. So, for a
dataset that is not open, they are shown only to those who may read the organisation's rows:

- ``open``: everyone sees every organisation's;
- ``registered``: anyone signed in sees every organisation's; anonymous callers see none;
- ``restricted``: the members of the organisation, and the receivers of an agreement in force
  today that shares the dataset (for any purpose); nobody else, administrators included.

The rule is the gate's (``localdata.access.gate.decide``), asked without reading a row, so
nothing is audited. The library's own work (``SYSTEM``: the command line, jobs) sees all of it,
as it can read the metadata database anyway. The Library's read paths (``versions``,
``dataset_submission``, ``submission_issues``) and the catalogue (``catalogue.py``) apply it.
"""

from __future__ import annotations

from dataclasses import dataclass

from localdata.access import gate
from localdata.access.agreements import list_agreements
from localdata.access.model import Level, Principal
from localdata.access.service import Access
from localdata.errors import LocalDataError, NoAgreement, NotSignedIn
from localdata.standards.model import Standard


@dataclass(frozen=True)
class MetadataReaders:
    """Whose metadata of one dataset a principal may see (``organisations`` None: everyone's)."""

    dataset: str
    level: Level
    organisations: frozenset[str] | None
    refusal: LocalDataError | None = None

    @property
    def everyone(self) -> bool:
        """True when every organisation's metadata may be seen."""
        return self.organisations is None

    def allows(self, organisation: str) -> bool:
        """True when the metadata of this organisation's data may be seen."""
        return self.organisations is None or organisation in self.organisations

    def require(self, organisation: str) -> None:
        """Refuse (401 or 403, in the gate's words) unless this organisation's may be seen."""
        if self.allows(organisation):
            return
        if self.refusal is not None:
            raise self.refusal
        raise NoAgreement(
            f"No data sharing agreement in force shares {organisation}'s {self.dataset} data "
            "with you, so what it submitted is not shown. Ask your information governance "
            f"officer to agree one with {organisation}."
        )


def metadata_readers(access: Access, standard: Standard, principal: Principal) -> MetadataReaders:
    """Whose metadata of the standard's dataset the principal may see."""
    level = access.level(standard.name)
    if level == "open" or principal.kind == "system":
        return MetadataReaders(standard.name, level, None)
    if level == "registered":
        if principal.signed_in:
            return MetadataReaders(standard.name, level, None)
        refusal = NotSignedIn(
            f"The {standard.name} dataset is for signed-in users. Sign in, or send an API key "
            "as 'Authorization: Bearer <key>'."
        )
        return MetadataReaders(standard.name, level, frozenset(), refusal)
    with access.database.engine.connect() as conn:
        found = list_agreements(conn, standard.name)
    try:
        grant = gate.decide(principal, standard, level, found, None, access.today())
    except LocalDataError as refused:
        return MetadataReaders(standard.name, level, frozenset(), refused)
    readable = grant.own | {a.provider for a in grant.agreements}
    return MetadataReaders(standard.name, level, frozenset(readable))
