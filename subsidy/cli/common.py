"""What every command uses: a Session for the command and the one-line failure."""
from __future__ import annotations

import sys
from typing import Any, NoReturn

import click
from flask import current_app
from sqlalchemy.orm import Session


def cli_session() -> Session:
    """A new write Session for one command (the command commits once, then closes it)."""
    return current_app.extensions["subsidy.sessionmaker"]()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print "Lỗi: ``message``" (one line, Vietnamese) to stderr and exit with ``code``."""
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(code)


#: ``--commune CODE`` of the commands that work on one commune's data.
COMMUNE_OPTION = click.option(
    "--commune", "commune_code", default=None, metavar="MÃ_XÃ",
    help="Mã xã (bắt buộc khi hệ thống có nhiều xã; với một xã thì không cần).")


def commune_session(code: str | None, persist: bool = True) -> tuple[Session, Any]:
    """A write Session working for the commune ``code`` (subsidy.models.scoping.set_commune), or
    for the instance's only commune without one; on an instance with no commune yet the first is
    made from the configured defaults (committed, and said; with ``persist`` False, for commands
    that only read, it is made in the Session only and never saved). Exits with a one-line reason for an
    unknown code, or when several communes exist and none was given. Returns (session, commune)."""
    from subsidy.domain.scope import CommuneRequired
    from subsidy.models.scoping import set_commune
    from subsidy.services import communes
    from subsidy.services.errors import NotFound

    session = cli_session()
    try:
        commune, created = communes.resolve(session, code)
    except (NotFound, CommuneRequired) as err:
        session.rollback()
        session.close()
        fail(str(err))
    if created and persist:
        session.commit()
        click.echo(communes.created_message(commune))
    set_commune(session, commune.id)
    return session, commune
