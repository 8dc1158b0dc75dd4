"""What every command uses: a Session for the command and the one-line failure."""
from __future__ import annotations

import sys
from typing import NoReturn

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
