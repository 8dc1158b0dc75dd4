"""Settings read from the environment.

DATABASE_URL        SQLAlchemy URL; default SQLite file instance/subsidy.sqlite3.
                    PostgreSQL: postgresql+psycopg://user@host:5432/db (a plain
                    postgresql:// URL is rewritten to use psycopg 3).
SECRET_KEY          signing key; default: generated once and kept in SECRET_KEY_FILE
                    (instance/secret_key). Backups carry it; a restore puts it back there.
BACKUP_KEY_FILE     the key that encrypts backups (default instance/backup.key, made by the first
                    backup): keep a copy away from the backups, without it no backup can be read.
BACKUP_DIR          where the admin page's backups are kept and listed (default instance/backups; the
                    scheduled backup should write to the same folder: `backup --output $BACKUP_DIR/`).
VIEW_LOG_RETENTION_YEARS  how long entries saying who saw personal data are kept (default 5 years);
                    `flask prune-view-log` (and `backup --prune-views`) removes older ones. Changes are kept.
RATELIMIT_STORAGE_URI   Flask-Limiter storage (the `limits` library's URIs); default memory://
                    (in-process: each worker process counts on its own). With several workers
                    (gunicorn -w 2 …) use Redis, e.g. redis://127.0.0.1:6379/0, so that they share
                    one budget per client and per tracking code.
RATELIMIT_KEY_PREFIX    prefix of the rate-limit keys (default none), e.g. to keep two instances
                    sharing one Redis apart.
TRUSTED_PROXIES     number of reverse proxies in front of the app whose X-Forwarded-* headers
                    are trusted (default 0: none; the client address is the socket's).
STATUS_RATE_LIMIT_CLIENT, STATUS_RATE_LIMIT_CODE   public status check limits (default 10/minute per
                    client address; 5/minute and 30/day per tracking code: at most 30 guesses of a
                    code's 4 digits a day, so trying all 10,000 takes months); API_RATE_LIMIT (default 300/minute).
RADIO_HOW_TO_REGISTER   how to register, read out by the commune radio (default: a standard text).
COMMUNE_CODE, COMMUNE_NAME, COMMUNE_BODY, COMMUNE_BODY_UPPER, COMMUNE_PLACE, COMMUNE_PROVINCE,
COMMUNE_SIGNER_TITLE, COMMUNE_SIGNER_NAME, HAMLETS   the defaults of the first commune only (made
                    by the first command or page that needs one); afterwards communes and their
                    hamlets are data, edited by admin (domain.md §10).
The next ones too are only the first commune's defaults (document_defaults); each commune's
documents print its own row's values, edited under «Xã»:
COMMUNE_ABBREVIATION    the issuing body's part of a ký hiệu (default UBND: "07/BB-UBND").
SIGNER_AUTHORITY, SIGNER_DEPUTY, SIGNER_TITLE, SIGNER_NAME   who signs for the commune (defaults
                    "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "" = a line to sign over).
DOC_RECIPIENTS, DOC_ARCHIVE   the "Nơi nhận" of lists and reports, ";"-separated, and the archive line
                    (default "VT, VP-TK": "- Lưu: VT, VP-TK.").
DOC_KIND_CODES      abbreviation per document kind, e.g. "handover=BB;cash=BN;list=DS;report=BC".
PDF_FONT_DIR        a directory holding Times New Roman (times.ttf, timesbd.ttf, timesi.ttf, timesbi.ttf)
                    for the PDFs; empty: the shipped Liberation Serif (same metrics).
TELECOMS            telecom enterprises offered on the handover form, ";"-separated
                    (default VNPT;Viettel;MobiFone;Vietnamobile;Gmobile).
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

DEFAULT_TELECOMS = "VNPT;Viettel;MobiFone;Vietnamobile;Gmobile"
DEFAULT_RECIPIENTS = "Sở Khoa học và Công nghệ;Chủ tịch, các Phó Chủ tịch UBND xã"
DEFAULT_HAMLETS = "Ấp Phú Hòa;Ấp Phú Thành;Ấp Phú Xuân;Ấp Phú Lợi;Ấp Phú Thạnh;Ấp Phú Hưng"


def normalise_database_url(url: str) -> str:
    """Return the SQLAlchemy URL with the psycopg 3 driver for PostgreSQL URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


# Per tracking code: a burst bound and a daily one. The second fact has 10,000 values (the last 4
# CCCD digits), so a per-minute bound alone lets a patient guesser through in about a day; with
# 30 a day, going through half of them takes about 5,000 / 30 = 167 days. A real applicant who
# mistypes a few times is not stopped.
STATUS_CODE_LIMIT_DEFAULT = "5/minute;30/day"

def commune_defaults(env: dict[str, str] | None = None) -> dict:
    """The first commune's values from the environment (COMMUNE_* and HAMLETS; see the module
    docstring): {code, name, issuing_body, issuing_body_parent, place_name, province, signer_title,
    signer_name, hamlets (list)}."""
    env = os.environ if env is None else env
    d = document_defaults(env)
    return {
        "code": env.get("COMMUNE_CODE", "PHUTAN"),
        "name": env.get("COMMUNE_NAME", "xã Phú Tân"),
        "issuing_body": env.get("COMMUNE_BODY", "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"),
        "issuing_body_parent": env.get("COMMUNE_BODY_UPPER", ""),
        "place_name": env.get("COMMUNE_PLACE", "Phú Tân"),
        "province": env.get("COMMUNE_PROVINCE", ""),
        "signer_title": env.get("COMMUNE_SIGNER_TITLE") or d["title"],
        "signer_name": env.get("COMMUNE_SIGNER_NAME") or d["name"],
        "signer_authority": d["authority"], "signer_deputy": d["deputy"], "abbreviation": d["abbreviation"],
        "kind_codes": d["kind_codes"], "recipients": d["recipients"], "archive": d["archive"],
        "hamlets": [h.strip() for h in env.get("HAMLETS", DEFAULT_HAMLETS).split(";") if h.strip()],
    }


def document_defaults(env: Mapping[str, Any] | None = None) -> dict[str, str]:
    """What the first commune's documents print besides its names, from the environment (or a
    config): {authority (SIGNER_AUTHORITY, "TM. ỦY BAN NHÂN DÂN"), deputy (SIGNER_DEPUTY, "KT. CHỦ
    TỊCH"; "" when the chairman signs), title (SIGNER_TITLE, "PHÓ CHỦ TỊCH"), name (SIGNER_NAME,
    ""), abbreviation (COMMUNE_ABBREVIATION, "UBND"), kind_codes (DOC_KIND_CODES, ""), recipients
    (DOC_RECIPIENTS, ";"-separated), archive (DOC_ARCHIVE, "VT, VP-TK")}. Only defaults: each
    commune's row holds its own (services.communes)."""
    env = os.environ if env is None else env

    def get(key: str, default: str) -> str:
        value = env.get(key)
        return default if value is None else str(value).strip()

    return {
        "authority": get("SIGNER_AUTHORITY", "TM. ỦY BAN NHÂN DÂN"), "deputy": get("SIGNER_DEPUTY", "KT. CHỦ TỊCH"),
        "title": get("SIGNER_TITLE", "PHÓ CHỦ TỊCH"), "name": get("SIGNER_NAME", ""),
        "abbreviation": get("COMMUNE_ABBREVIATION", "") or "UBND", "kind_codes": get("DOC_KIND_CODES", ""),
        "recipients": get("DOC_RECIPIENTS", DEFAULT_RECIPIENTS), "archive": get("DOC_ARCHIVE", "") or "VT, VP-TK",
    }


def commune_defaults_of(config: Any) -> dict:
    """commune_defaults() from an app's config (its COMMUNE_* values and HAMLETS list), the
    environment for anything the config lacks."""
    env = dict(os.environ)
    env.update({k: str(v) for k, v in config.items()
                if k.startswith(("COMMUNE_", "SIGNER_", "DOC_")) and v is not None})
    if config.get("HAMLETS") is not None:
        env["HAMLETS"] = ";".join(config["HAMLETS"])
    return commune_defaults(env)


def load_config() -> dict:
    """Build the Flask config dict from the environment (see the module docstring)."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{INSTANCE / 'subsidy.sqlite3'}"
    return {
        "SECRET_KEY": _secret_key(),
        # Where a restore writes the archived secret key back (None: SECRET_KEY comes from the
        # environment, and the operator sets it there).
        "SECRET_KEY_FILE": None if os.environ.get("SECRET_KEY") else str(INSTANCE / "secret_key"),
        "BACKUP_KEY_FILE": os.environ.get("BACKUP_KEY_FILE", str(INSTANCE / "backup.key")),
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", str(INSTANCE / "backups")),
        "VIEW_LOG_RETENTION_YEARS": int(os.environ.get("VIEW_LOG_RETENTION_YEARS", "5")),
        "DATABASE_URL": normalise_database_url(os.environ.get("DATABASE_URL", default_db)),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", ""),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "COMMUNE_NAME": os.environ.get("COMMUNE_NAME", "xã Phú Tân"),
        "COMMUNE_BODY": os.environ.get("COMMUNE_BODY", "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"),
        "COMMUNE_BODY_UPPER": os.environ.get("COMMUNE_BODY_UPPER", ""),
        "COMMUNE_PLACE": os.environ.get("COMMUNE_PLACE", "Phú Tân"),
        "COMMUNE_ABBREVIATION": os.environ.get("COMMUNE_ABBREVIATION", "UBND"),
        "SIGNER_AUTHORITY": os.environ.get("SIGNER_AUTHORITY", "TM. ỦY BAN NHÂN DÂN"),
        "SIGNER_DEPUTY": os.environ.get("SIGNER_DEPUTY", "KT. CHỦ TỊCH"),
        "SIGNER_TITLE": os.environ.get("SIGNER_TITLE", "PHÓ CHỦ TỊCH"),
        "SIGNER_NAME": os.environ.get("SIGNER_NAME", ""),
        "DOC_RECIPIENTS": os.environ.get("DOC_RECIPIENTS", DEFAULT_RECIPIENTS),
        "DOC_ARCHIVE": os.environ.get("DOC_ARCHIVE", "VT, VP-TK"),
        "DOC_KIND_CODES": os.environ.get("DOC_KIND_CODES", ""),
        "PDF_FONT_DIR": os.environ.get("PDF_FONT_DIR", ""),
        "COMMUNE_CODE": os.environ.get("COMMUNE_CODE", "PHUTAN"),
        "HAMLETS": [h.strip() for h in os.environ.get("HAMLETS", DEFAULT_HAMLETS).split(";") if h.strip()],
        # Empty: the address the clerk's browser used (e.g. http://192.168.1.10:5000 on the LAN).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # "Ghi nhớ đăng nhập" lasts 30 days at most; the cookie holds the account's session token
        # (User.get_id), so a password change, an admin's reset or a sign-out ends it everywhere.
        "REMEMBER_COOKIE_DURATION": dt.timedelta(days=30),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "PROGRAMME": os.environ.get("PROGRAMME", "VTCI-2025"),
        "TELECOMS": [t.strip() for t in os.environ.get("TELECOMS", DEFAULT_TELECOMS).split(";") if t.strip()],
        # Public status check and API rate limits (Flask-Limiter strings, e.g. "10/minute").
        "STATUS_RATE_LIMIT_CLIENT": os.environ.get("STATUS_RATE_LIMIT_CLIENT", "10/minute"),
        "STATUS_RATE_LIMIT_CODE": os.environ.get("STATUS_RATE_LIMIT_CODE", STATUS_CODE_LIMIT_DEFAULT),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "300/minute"),
        # How to register, read out by the commune radio after the counts (empty: a default text).
        "RADIO_HOW_TO_REGISTER": os.environ.get("RADIO_HOW_TO_REGISTER", ""),
    }
