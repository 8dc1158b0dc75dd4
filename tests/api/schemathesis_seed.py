"""Seed a database for the schemathesis run (tests/api/run_schemathesis.sh) and print a token.

usage: DATABASE_URL=… python tests/api/schemathesis_seed.py  → prints "<clerk token> <radio token>"

Migrates the database to head, writes the tally's known history (tests/tally_history.py: nine
households, eight applications with events, handovers, payments, allocations), a clerk and a
radio account with one API token each.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from subsidy import create_app  # noqa: E402
from subsidy.db import upgrade_database  # noqa: E402
from subsidy.domain import vn  # noqa: E402
from subsidy.models import Household, User  # noqa: E402
from subsidy.services import users  # noqa: E402
from tests.tally_history import build_history  # noqa: E402


def main() -> None:
    url = os.environ["DATABASE_URL"]
    upgrade_database(url)
    app = create_app({"DATABASE_URL": url})
    sess = app.extensions["subsidy.sessionmaker"]()
    build_history(sess)
    for hh in sess.query(Household):
        hh.search_text = vn.fold(f"{hh.head_name} {hh.code}")
    tokens = []
    for name, role in (("st-clerk", "clerk"), ("st-radio", "radio")):
        user = User(username=name, role=role, password_hash="!", must_change_password=False)
        sess.add(user)
        sess.flush()
        tokens.append(users.create_api_token(sess, user, "schemathesis", user))
    sess.commit()
    sess.close()
    print(" ".join(tokens))


if __name__ == "__main__":
    main()
