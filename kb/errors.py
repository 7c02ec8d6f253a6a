"""Named errors. Every failure a user can cause is a KBError; the edges turn it into a message."""

from __future__ import annotations


class KBError(Exception):
    """Base of every error a user of kb can see; its message is meant for people."""


class NotFound(KBError):
    """The record asked for does not exist."""


class PermissionDenied(KBError):
    """The actor's role or relation to the record does not allow this action."""


class InvalidTransition(KBError):
    """The review workflow does not allow this change from the claim's current status."""


class StaleVersion(KBError):
    """Someone else changed the record since the actor loaded it."""


class ImportProblem(KBError):
    """Input (a .bib file, an article, a spreadsheet) could not be taken in; nothing was written."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class DatabaseNotReady(KBError):
    """The database is not at the latest schema revision."""


class InvalidInput(KBError):
    """A value given by the user is not acceptable (bad filter, bad option, missing comment)."""


class AuthenticationFailed(KBError):
    """Wrong email or password, a locked or a disabled account."""


class DatabaseBusy(KBError):
    """Another process held the database's write lock for longer than the busy timeout."""
