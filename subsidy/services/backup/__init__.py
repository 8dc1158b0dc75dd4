"""Backups of the whole database with the secret key, encrypted, and their restore.

:mod:`.archive` the encrypted file and its key; :mod:`.databases` copying a SQLite or
PostgreSQL database to a file and back over every table (reflection, never a fixed list);
:mod:`.service` the use cases (:func:`make_backup`, :func:`restore_backup`).
"""
from subsidy.services.backup.archive import SUFFIX, BackupError
from subsidy.services.backup.service import (
    BackupResult, RestoreResult, backup_key, make_backup, read_manifest, restore_backup,
)

__all__ = ["SUFFIX", "BackupError", "BackupResult", "RestoreResult", "backup_key", "make_backup", "read_manifest",
           "restore_backup"]
