"""A fresh, migrated database for one bench run (shared by the bench scripts)."""
from __future__ import annotations

import shutil
import tempfile
from typing import Callable

from sqlalchemy import text

from subsidy.config import normalise_database_url
from subsidy.db import make_engine, upgrade_database


#: The commune every bench row belongs to (made by fresh_database: the first commune, id 1).
BENCH_COMMUNE = 1


def _first_commune(url: str) -> None:
    """Make the first commune (from the environment defaults), id BENCH_COMMUNE, as the first
    command on a new instance would: bench rows written in bulk name it as their commune_id."""
    from subsidy.db import make_sessionmaker
    from subsidy.services import communes

    engine = make_engine(url)
    session = make_sessionmaker(engine)()
    commune, _created = communes.ensure_default_commune(session)
    assert commune is not None and commune.id == BENCH_COMMUNE, commune
    session.commit()
    session.close()
    engine.dispose()


def fresh_database(url: str | None, prefix: str = "bench-") -> tuple[str, Callable[[], None]]:
    """Return (url, cleanup) of an empty database migrated to the newest revision, holding the
    bench's commune (BENCH_COMMUNE) and nothing else.

    ``url`` None: a SQLite file in a new temporary folder, which ``cleanup()`` removes. A
    PostgreSQL ``url`` (postgresql:// is read as psycopg 3): its ``public`` schema is dropped and
    created again first — every table in it is lost, so point it at a database kept for benches;
    ``cleanup()`` then does nothing.
    """
    if url:
        url = normalise_database_url(url)
        if url.startswith("postgresql"):
            engine = make_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        upgrade_database(url)
        _first_commune(url)
        return url, lambda: None
    folder = tempfile.mkdtemp(prefix=prefix)
    url = f"sqlite:///{folder}/bench.sqlite3"
    upgrade_database(url)
    _first_commune(url)
    return url, lambda: shutil.rmtree(folder, ignore_errors=True)
