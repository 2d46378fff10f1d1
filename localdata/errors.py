"""The one exception tree of the Local Data Library.

Validation findings are never exceptions: they are ``Issue`` records in a ``Report``. An
exception means the work cannot continue, and its message is written for the person who has to
act on it, in plain English.

::

    LocalDataError                      500  something went wrong on our side
    ├── SubmissionsClosed               403  publishing through the API is switched off here
    ├── NotSignedIn                     401  sign in or give an API key first
    ├── Forbidden                       403  signed in, but not allowed to do this
    │   └── NoAgreement                 403  no active data sharing agreement allows this read
    ├── RateLimited                     429  too many requests: wait, then try again
    ├── UsageError                      400  the request or command is not usable as given
    │   ├── InvalidQuery                400  a filter, sort, page size or cursor cannot be used
    │   ├── UnknownStandard             404  no standard has that name
    │   ├── UnknownOrganisation         404  no organisation matches that identifier
    │   ├── OrganisationNotIdentified   400  nothing says which organisation published a file
    │   ├── VersionNotFound             404  no submission or published version has that number
    │   ├── SourceNotFound              404  no source has that number
    │   ├── AgreementNotFound           404  no data sharing agreement has that identifier
    │   ├── SubscriptionNotFound        404  the API key has no event subscription with that id
    │   └── StandardFileInvalid         400  a standard or Table Schema file cannot be imported
    └── UnreadableFile                  422  the file cannot be read as a table
        ├── EmptyFile                   422  the file has no data in it
        ├── UnsupportedFormat           415  the file is not a format we can read
        └── FileTooLarge                413  the file, or what it expands to, is over the limit
"""

from __future__ import annotations

from typing import Any, ClassVar


class LocalDataError(Exception):
    """Something stopped the Local Data Library from doing what was asked."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Something went wrong"

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready body (RFC 9457 problem details fields, plus our own)."""
        return {
            "ok": False,
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.message,
            "errors": [self.message, *self.details],
        }


class SubmissionsClosed(LocalDataError):
    """Publishing through the API is switched off in this library."""

    status = 403
    title = "Publishing is switched off"


class NotSignedIn(LocalDataError):
    """The request needs a signed-in user or an API key, and has neither (or a bad one)."""

    status = 401
    title = "Sign in first"


class Forbidden(LocalDataError):
    """Whoever is asking is known, but is not allowed to do this."""

    status = 403
    title = "Not allowed"


class NoAgreement(Forbidden):
    """Restricted data was asked for, and no active data sharing agreement allows the read."""

    title = "No data sharing agreement allows this"


class RateLimited(LocalDataError):
    """Too many requests from one key or client in a short time."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class UsageError(LocalDataError):
    """The request or command cannot be used as given."""

    status = 400
    title = "Check what you asked for"


class InvalidQuery(UsageError):
    """A records query's filters, fields, sort, page size or cursor cannot be used."""

    title = "Check the query"


class UnknownStandard(UsageError):
    """No standard has this name."""

    status = 404
    title = "Standard not found"


class UnknownOrganisation(UsageError):
    """No organisation matches this identifier."""

    status = 404
    title = "Organisation not found"


class OrganisationNotIdentified(UsageError):
    """No organisation was given for a file, and the file does not say which it is."""

    title = "Organisation not known"


class VersionNotFound(UsageError):
    """No submission or published version has this number."""

    status = 404
    title = "Version not found"


class SourceNotFound(UsageError):
    """No source has this number."""

    status = 404
    title = "Source not found"


class AgreementNotFound(UsageError):
    """No data sharing agreement has this identifier."""

    status = 404
    title = "Agreement not found"


class SubscriptionNotFound(UsageError):
    """The API key has no event subscription with this identifier."""

    status = 404
    title = "Subscription not found"


class StandardFileInvalid(UsageError):
    """A standard or Table Schema file cannot be imported."""

    title = "Standard file cannot be used"


class UnreadableFile(LocalDataError):
    """The file cannot be read as a table."""

    status = 422
    title = "File cannot be read"


class EmptyFile(UnreadableFile):
    """The file has no data in it."""

    title = "File is empty"


class UnsupportedFormat(UnreadableFile):
    """The file is not in a format the library reads."""

    status = 415
    title = "File format not supported"


class FileTooLarge(UnreadableFile):
    """The file, or what it expands to, is larger than the library accepts."""

    status = 413
    title = "File too large"
