"""The folder of kept backups (BACKUP_DIR): naming a new file, listing the kept ones with what
each holds, finding one to download, and rotation.

Each backup file ``vtci-YYYYMMDD-HHMMSS.vtcibak`` has beside it ``<name>.json``: a copy of its
manifest (date, app version, migration revision, rows per table, the database copy's checksum,
the commune settings), written by :func:`.service.make_backup`. It holds no personal data (counts
and names of the commune), so the admin page lists the backups without decrypting them; the
encrypted file's own manifest is the one a restore checks.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from subsidy.domain.calendar import VN_TZ
from subsidy.services.backup.archive import SUFFIX

#: What a kept backup is called (the names :func:`new_name` makes).
NAME_RE = re.compile(r"^vtci-\d{8}-\d{6}(?:-\d+)?" + re.escape(SUFFIX) + "$")


@dataclass(frozen=True)
class KeptBackup:
    """A backup file in the folder: its ``name``, ``size`` (bytes), when it was last written
    (``modified``, aware, Việt Nam time) and its ``manifest`` (None when no sidecar is there, e.g.
    a file copied in by hand)."""

    name: str
    size: int
    modified: dt.datetime
    manifest: dict[str, Any] | None

    @property
    def created(self) -> dt.datetime:
        """When the backup was made (the manifest's time; without one, the file's)."""
        try:
            return dt.datetime.fromisoformat(self.manifest["created_at"])  # type: ignore[index]
        except (TypeError, KeyError, ValueError):
            return self.modified

    @property
    def rows(self) -> int | None:
        """Rows in every table together, from the manifest (None without one)."""
        return sum(self.manifest["tables"].values()) if self.manifest else None


def sidecar(path: Path) -> Path:
    """The manifest copy beside the backup file ``path``."""
    return path.with_name(path.name + ".json")


def write_sidecar(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest copy of the backup file ``path`` (mode 0600, like the backup)."""
    side = sidecar(path)
    side.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    side.chmod(0o600)


def new_name(folder: Path, now: dt.datetime | None = None) -> Path:
    """A new file name in ``folder`` for a backup made at ``now`` (default: the clock), Việt Nam
    time: ``vtci-YYYYMMDD-HHMMSS.vtcibak``, with ``-2``, ``-3``… when that second is taken."""
    stamp = f"vtci-{(now or dt.datetime.now(VN_TZ)).astimezone(VN_TZ):%Y%m%d-%H%M%S}"
    path, n = folder / f"{stamp}{SUFFIX}", 1
    while path.exists():
        n += 1
        path = folder / f"{stamp}-{n}{SUFFIX}"
    return path


def list_backups(folder: Path) -> list[KeptBackup]:
    """The backups kept in ``folder``, newest first (by name, i.e. by the time in it); an empty
    list when the folder does not exist yet."""
    if not folder.is_dir():
        return []
    kept = []
    for path in sorted(folder.glob(f"vtci-*{SUFFIX}"), key=lambda p: p.name, reverse=True):
        if not NAME_RE.match(path.name):
            continue
        try:
            manifest = json.loads(sidecar(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
        stat = path.stat()
        kept.append(KeptBackup(path.name, stat.st_size,
                               dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc).astimezone(VN_TZ), manifest))
    return kept


def find(folder: Path, name: str) -> Path | None:
    """The backup ``name`` in ``folder`` if it is one (a backup's name, no path, the file there),
    else None: a name from a URL never reaches outside the folder."""
    if not NAME_RE.match(name):
        return None
    path = folder / name
    return path if path.is_file() else None


def rotate(folder: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest backups of ``folder`` (and their manifest copies);
    returns the files removed."""
    files = sorted((p for p in folder.glob(f"vtci-*{SUFFIX}") if NAME_RE.match(p.name)),
                   key=lambda p: p.name, reverse=True)
    removed = files[keep:]
    for p in removed:
        p.unlink()
        sidecar(p).unlink(missing_ok=True)
    return removed
