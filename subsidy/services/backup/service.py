"""Making a backup file and restoring one: the two use cases behind ``flask --app app backup`` and
``restore`` (and the admin page).

A backup file (see :mod:`.archive` for the encryption) holds a zip with

- ``database.sqlite3`` or ``database.pgdump``: the whole database (:mod:`.databases`);
- ``secret_key``: the key that signs sessions and the forms' CSRF tokens (instance/secret_key);
- ``manifest.json``: ``format`` (1), ``app_version``, ``created_at`` (ISO 8601, Vietnam time),
  ``dialect``, ``revision`` (the Alembic revision of the data), ``tables`` ({table: rows}),
  ``database_file``, ``database_bytes``, ``database_sha256``, ``settings`` (the commune's names
  and other settings the app ran with, so a restore on a new server can say what differs).

A restore checks everything before it writes anything: the key, the envelope, the manifest, the
checksum, that the revision is one this version of the app knows (a backup from a newer version
is refused), that the database kinds match, and that the target database holds no data. Only then
it loads the copy, checks the row counts against the manifest, puts the secret key back and
upgrades the database to this version's newest migration.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from subsidy.db import alembic_config, database_revision, upgrade_database
from subsidy.domain.calendar import VN_TZ
from subsidy.services.backup import databases
from subsidy.services.backup.archive import BackupError, decrypt_stream, encrypt_stream, load_key
from subsidy.services.backup.folder import write_sidecar
from subsidy.version import APP_VERSION

FORMAT = 1
#: Settings copied into the manifest (they come from the environment, not from the database).
SETTINGS = ("COMMUNE_NAME", "COMMUNE_BODY", "COMMUNE_BODY_UPPER", "COMMUNE_PLACE", "HAMLETS", "PROGRAMME",
            "TELECOMS", "PUBLIC_BASE_URL", "TRUSTED_PROXIES")


@dataclass
class BackupResult:
    """What a backup wrote: ``path``, ``size`` (bytes of the encrypted file), the ``manifest``."""

    path: Path
    size: int
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    """What a restore did: the ``manifest`` it read, the revision after the upgrade
    (``revision_now``), whether the secret key file was written (``secret_key_written``) and the
    settings that differ from the archived ones ({name: (archived, now)})."""

    manifest: dict[str, Any]
    revision_now: str | None
    secret_key_written: bool
    settings_differ: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_backup(url: str, output: Path, key: bytes, secret_key: str, settings: Mapping[str, Any]) -> BackupResult:
    """Back up the database at ``url`` with ``secret_key`` into the encrypted file ``output``.

    ``key``: the 32-byte backup key (:func:`.archive.load_key`); ``settings``: the app's config
    (the names of :data:`SETTINGS` are copied into the manifest). The file is written beside
    ``output`` under a temporary name and renamed when complete, so an interrupted backup never
    leaves a file that looks whole; a copy of the manifest is written beside it (``<name>.json``,
    :mod:`.folder`). Works while the app runs. Raises BackupError.
    """
    dialect = databases.dialect_of(url)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vtci-backup-") as tmp:
        work = Path(tmp)
        db_name = "database.sqlite3" if dialect == "sqlite" else "database.pgdump"
        db_copy = work / db_name
        revision = database_revision(url)
        counts = databases.dump(url, db_copy)
        manifest = {
            "format": FORMAT,
            "app_version": APP_VERSION,
            "created_at": dt.datetime.now(VN_TZ).isoformat(timespec="seconds"),
            "dialect": dialect,
            "revision": revision,
            "tables": counts,
            "database_file": db_name,
            "database_bytes": db_copy.stat().st_size,
            "database_sha256": _sha256(db_copy),
            "settings": {k: settings.get(k) for k in SETTINGS},
        }
        inner = work / "backup.zip"
        with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
            zf.writestr("secret_key", secret_key)
            zf.write(db_copy, db_name)
        db_copy.unlink()
        partial = output.with_name(output.name + ".partial")
        try:
            with inner.open("rb") as src, partial.open("wb") as dst:
                encrypt_stream(key, src, dst)
            partial.chmod(0o600)
            partial.replace(output)
            write_sidecar(output, manifest)
        except OSError as err:
            partial.unlink(missing_ok=True)
            raise BackupError(f"không ghi được {output}: {err.strerror or err}") from err
    return BackupResult(output, output.stat().st_size, manifest)


def read_manifest(archive: Path, key: bytes, work: Path) -> tuple[dict[str, Any], zipfile.ZipFile]:
    """Decrypt ``archive`` into the folder ``work`` and return its manifest and open zip.

    Raises BackupError: see :func:`.archive.decrypt_stream`, a zip or manifest that does not
    check out, a database checksum that differs from the manifest's."""
    name = archive.name
    inner = work / "backup.zip"
    try:
        with archive.open("rb") as src, inner.open("wb") as dst:
            decrypt_stream(key, src, dst, name)
    except FileNotFoundError as err:
        raise BackupError(f"không có tệp {archive}.") from err
    except IsADirectoryError as err:
        raise BackupError(f"{archive} là một thư mục, không phải tệp sao lưu.") from err
    try:
        zf = zipfile.ZipFile(inner)
        manifest = json.loads(zf.read("manifest.json"))
        db_name = manifest["database_file"]
        if manifest.get("format") != FORMAT or db_name not in ("database.sqlite3", "database.pgdump"):
            raise ValueError("format")
        zf.extract(db_name, work)
        zf.extract("secret_key", work)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as err:
        raise BackupError(f"bản sao lưu {name} không đúng định dạng (thiếu hoặc hỏng phần mô tả).") from err
    if _sha256(work / db_name) != manifest.get("database_sha256"):
        raise BackupError(f"bản sao lưu {name} bị hỏng: mã kiểm tra của cơ sở dữ liệu không khớp.")
    return manifest, zf


def restore_backup(url: str, archive: Path, key: bytes, secret_key_path: Path | None,
                   settings: Mapping[str, Any]) -> RestoreResult:
    """Restore ``archive`` into the empty database at ``url``, then upgrade it to the newest migration.

    ``secret_key_path``: where the archived secret key is written (None: not written, e.g. when
    SECRET_KEY comes from the environment); an existing different key there is kept beside it as
    ``<name>.before-restore``. ``settings``: the app's config, compared with the archived settings.

    Raises BackupError, with nothing changed, for: a missing or wrong key, a file that is not a
    backup, truncated or altered, a backup made by a newer version (a migration this version does
    not know), a backup of the other kind of database, a target database holding data. Raises
    BackupError after loading when the loaded row counts differ from the manifest's.
    """
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    dialect = databases.dialect_of(url)
    with tempfile.TemporaryDirectory(prefix="vtci-restore-") as tmp:
        work = Path(tmp)
        manifest, zf = read_manifest(archive, key, work)
        zf.close()
        revision = manifest.get("revision")
        scripts = ScriptDirectory.from_config(alembic_config(url))
        try:
            known = revision is None or scripts.get_revision(revision) is not None
        except CommandError:
            known = False
        if not known:
            raise BackupError(
                f"bản sao lưu {archive.name} được tạo bởi phiên bản mới hơn của phần mềm (migration {revision}, "
                f"phiên bản {manifest.get('app_version')}); hãy cập nhật phần mềm rồi khôi phục lại.")
        if manifest["dialect"] != dialect:
            kinds = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
            raise BackupError(
                f"bản sao lưu {archive.name} là của cơ sở dữ liệu {kinds.get(manifest['dialect'], manifest['dialect'])}, "
                f"còn DATABASE_URL đang chỉ tới {kinds[dialect]}; hãy khôi phục vào cùng loại cơ sở dữ liệu.")
        present = databases.rows_present(url)
        if present:
            listed = ", ".join(f"{t}: {n}" for t, n in sorted(present.items())[:5])
            raise BackupError(
                f"cơ sở dữ liệu đích đang có dữ liệu ({listed}{', …' if len(present) > 5 else ''}); chỉ khôi phục vào "
                "cơ sở dữ liệu trống. Hãy dời tệp SQLite cũ đi chỗ khác (hoặc tạo cơ sở dữ liệu PostgreSQL mới) rồi chạy lại.")
        loaded = databases.load(url, work / manifest["database_file"])
        if loaded != manifest["tables"]:
            differ = sorted(t for t in set(loaded) | set(manifest["tables"])
                            if loaded.get(t) != manifest["tables"].get(t))
            raise BackupError(f"đã chép dữ liệu nhưng số dòng không khớp với bản sao lưu ở bảng {', '.join(differ)}; "
                              "đừng dùng cơ sở dữ liệu này, hãy thử một bản sao lưu khác.")
        secret = (work / "secret_key").read_text().strip()
        written = False
        if secret_key_path is not None and secret:
            old = secret_key_path.read_text().strip() if secret_key_path.exists() else None
            if old != secret:
                if old is not None:
                    shutil.copy2(secret_key_path, secret_key_path.with_name(secret_key_path.name + ".before-restore"))
                secret_key_path.parent.mkdir(parents=True, exist_ok=True)
                secret_key_path.write_text(secret)
                secret_key_path.chmod(0o600)
                written = True
    upgrade_database(url)
    archived = manifest.get("settings") or {}
    differ = {k: (archived.get(k), settings.get(k)) for k in SETTINGS
              if k in archived and archived.get(k) != settings.get(k)}
    return RestoreResult(manifest, database_revision(url), written, differ)


def backup_key(path: Path, create: bool) -> tuple[bytes, bool]:
    """The backup key in ``path`` and whether it was just created (only when ``create``, for a
    backup; a restore never makes a key). Raises BackupError (see :func:`.archive.load_key`)."""
    from subsidy.services.backup.archive import create_key

    if create and not path.exists():
        return create_key(path), True
    return load_key(path), False
