"""Who is asking: roles, scopes, access levels, and the ``Principal`` every read is made by.

A principal is anonymous, a signed-in user, or an API key. What it may do in an organisation is
the roles it holds there, narrowed by the key's scopes (a signed-in user has every scope):

==========================  ====================================================
role                        may
==========================  ====================================================
``viewer``                  read ``registered`` data and, under an agreement,
                            ``restricted`` data shared with the organisation
``publisher``               all a viewer may, and publish for the organisation
``standards-owner``         all a viewer may, and manage standards
``information-governance``  all a viewer may, manage the organisation's
                            agreements and read its audit log
``admin``                   everything in the organisation
==========================  ====================================================

``admin`` of ``*`` administers the library: users, datasets' access levels, standards and
revoking keys. It holds no role in any organisation (separation of duties): a library
administrator reads restricted data, signs agreements and approves keys only through a
membership of an organisation of their own, like anyone else. ``has_role`` and ``governs``
therefore look only at the organisation asked about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["viewer", "publisher", "standards-owner", "information-governance", "admin"]
Scope = Literal["read", "publish", "admin"]
Level = Literal["open", "registered", "restricted"]
AgreementState = Literal["draft", "active", "suspended"]

LEVELS: tuple[str, ...] = ("open", "registered", "restricted")
AGREEMENT_STATES: tuple[str, ...] = ("draft", "active", "suspended")
ALL_SCOPES: frozenset[Scope] = frozenset({"read", "publish", "admin"})
EVERY_ORGANISATION = "*"


@dataclass(frozen=True)
class Principal:
    """Who is making a request, and what they may do in which organisation."""

    kind: Literal["anonymous", "user", "key", "system"] = "anonymous"
    id: str | None = None
    user_id: str | None = None
    roles: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    scopes: frozenset[Scope] = frozenset()

    @property
    def actor(self) -> str:
        """How the audit log names it: ``user:usr_…``, ``key:ldk_…`` or ``anonymous``."""
        return f"{self.kind}:{self.id}" if self.id else self.kind

    @property
    def signed_in(self) -> bool:
        """True for a user or a key, false for an anonymous client."""
        return self.kind != "anonymous"

    @property
    def is_admin(self) -> bool:
        """True for an administrator of the whole library (``admin`` of ``*``, admin scope)."""
        return self._holds(EVERY_ORGANISATION, "admin", "admin")

    def _holds(self, organisation: str, role: Role, scope: Scope) -> bool:
        return scope in self.scopes and role in self.roles.get(organisation, frozenset())

    def has_role(self, organisation: str, role: Role, scope: Scope = "read") -> bool:
        """True when it holds ``role`` (or ``admin``) in the organisation itself, within
        ``scope``; administering the library gives no role in any organisation."""
        if organisation == EVERY_ORGANISATION:
            return False
        return self._holds(organisation, role, scope) or self._holds(organisation, "admin", scope)

    def reader_for(self) -> frozenset[str]:
        """The organisations this principal may read for (any role, with the read scope)."""
        if "read" not in self.scopes:
            return frozenset()
        return frozenset(
            org for org, roles in self.roles.items() if roles and org != EVERY_ORGANISATION
        )

    def can_publish(self, organisation: str) -> bool:
        """True when it may publish for the organisation."""
        return self.has_role(organisation, "publisher", "publish")

    def governs(self, organisation: str, scope: Scope = "admin") -> bool:
        """True when it manages the organisation's agreements and approves its keys (``read``:
        reads its audit log): its information governance officers and administrators."""
        return self.has_role(organisation, "information-governance", scope)


ANONYMOUS = Principal()
SYSTEM = Principal(
    kind="system",
    id="system",
    roles={EVERY_ORGANISATION: frozenset({"admin"})},
    scopes=ALL_SCOPES,
)
