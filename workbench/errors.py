"""Expected failures: each carries a one-line message a user can act on."""


class WorkbenchError(Exception):
    """Base of every failure a user can cause or fix; `str()` is the message shown."""


class StorageError(WorkbenchError):
    """The tender file cannot be opened, read or written (damaged, locked, disk full...)."""


class ReadOnlyError(WorkbenchError):
    """A change was asked of a file that is open read-only, sealed or locked."""


class InterchangeError(WorkbenchError):
    """An import (JSON, workbook, scoring pack) is invalid; nothing was written."""


class ValidationError(WorkbenchError):
    """An edit breaks a rule of the evaluation model or the workflow; nothing was written."""
