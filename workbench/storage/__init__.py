"""The tender file: schema, transactions, audit chain, lock and backups."""

from workbench.storage.tenderfile import TenderFile

__all__ = ["TenderFile"]
