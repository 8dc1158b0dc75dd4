"""The radio role can reach no route that shows a person (domain.md §8).

The test walks ``app.url_map``: every rule, every method it allows (HEAD included; OPTIONS is
Flask's automatic answer and shows nothing), with values for its converters that point at real
seeded records (id 1 of every table exists). Signed in as radio — and, for /api/ routes, also with
the radio account's bearer token — each route must be refused (403, 404, 405; 401 for the API)
unless it is in ALLOWED, the explicit list of aggregate-only routes. A route added later is walked
too, so it cannot slip through: refuse radio, or add it here with the reason it shows no person.
Allowed routes are requested as well and must not contain any seeded person's data.
"""
from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Collection

import pytest
from sqlalchemy import select

from subsidy.models import (
    Allocation, ApiToken, Application, CashPayment, Handover, Household, ProposalList, Receipt, RuleSet, User,
)
from subsidy.services import users
from tests import factories
from tests.conftest import login
from tests.tally_history import build_history

#: endpoint → why it shows no person. Everything else must refuse the radio role.
ALLOWED: dict[str, str] = {
    "static": "CSS and scripts",
    "main.index": "home page: for radio it shows no counts at all",
    "main.favicon": "the site icon",
    "auth.login": "sign-in form (redirects a signed-in user)",
    "auth.logout": "signs out (not requested: it would end the walk's session)",
    "auth.change_password": "the radio account's own password",
    "public.status": "the public status check (anyone, masked name only with code + second fact)",
    "public.healthz": "'ok' when the database answers",
    "radio.index": "the radio's counts page (aggregates only)",
    "radio.counts_json": "counts download (aggregates only)",
    "radio.counts_csv": "counts download (aggregates only)",
    "api_v1.openapi": "the API description",
    "api_v1.counts": "counts (aggregates only)",
    "api_v1.counts_csv": "counts (aggregates only)",
    "api_v1.complaint_counts_view": "complaint counts (aggregates only, never a case or a name)",
    "help.index": "the user guide (fixed text, no record)",
    "help.show": "the user guide's pages (fixed text and screenshots of sample data)",
}
NOT_REQUESTED = {"auth.logout"}
REFUSED = {403, 404, 405}
REFUSED_API = REFUSED | {401}

CCCD = "082012345678"
PHONE = "0912345678"

# Values tried for converters: every int points at row 1 of its table (seeded below); strings
# try the formats and file extensions routes use, and a seeded tracking code.
INT_VALUES = [1]
STRING_VALUES = ["1", "csv", "json", "pdf", "xlsx", "T00001"]


def _seed(app: Any) -> dict[str, Any]:
    sess = app.extensions["subsidy.sessionmaker"]()
    admin = factories.user(sess, "admin", "quantri", row=True)
    build_history(sess)
    a1 = sess.get(Application, 1)
    hh = sess.get(Household, a1.household_id)
    hh.citizen_id, hh.phone = CCCD, PHONE
    pl = ProposalList(number="01/DS-VTCI", created_on=dt.date(2026, 1, 20))
    sess.add(pl)
    sess.flush()
    a1.proposal_list_id = pl.id
    receipt = Receipt(series="BB-VTCI", year=2026, number=1, kind="handover", application_id=1, handover_id=1,
                      snapshot={"recipient_name": "Nguyễn Văn An", "imei": "350000000000001"})
    sess.add(receipt)
    users.create_api_token(sess, admin, "admin tool", admin)
    sess.commit()
    # Row 1 of every table a route may address exists (the walk uses id 1).
    for model in (User, Household, Application, ProposalList, Receipt, ApiToken, Handover, CashPayment,
                  RuleSet, Allocation):
        assert sess.get(model, 1) is not None, model.__name__
    names = [h.head_name for h in sess.scalars(select(Household))]
    codes = [a.tracking_code for a in sess.scalars(select(Application))]
    sess.close()
    return {"names": names, "codes": codes}


def _values(rule: Any) -> list[dict[str, Any]]:
    choices = []
    for arg in sorted(rule.arguments):
        conv = type(rule._converters[arg]).__name__
        if conv in ("IntegerConverter", "RowIdConverter"):  # RowIdConverter: the app's <int:>
            choices.append([(arg, v) for v in INT_VALUES])
        elif conv in ("UnicodeConverter", "PathConverter", "AnyConverter"):
            opts = getattr(rule._converters[arg], "items", None) or STRING_VALUES
            choices.append([(arg, v) for v in opts])
        elif conv == "FloatConverter":
            choices.append([(arg, 1.0)])
        elif conv == "UUIDConverter":
            choices.append([(arg, "00000000-0000-0000-0000-000000000001")])
        else:
            pytest.fail(f"{rule.endpoint}: add dummy values for converter {conv} to this test")
    return [dict(combo) for combo in itertools.product(*choices)] or [{}]


def _radio_account(app: Any, username: str) -> str:
    """A radio account with an API token; returns the token."""
    sess = app.extensions["subsidy.sessionmaker"]()
    user = factories.user(sess, "radio", username, row=True)
    token = users.create_api_token(sess, user, "radio tool", user)
    sess.commit()
    sess.close()
    return token


def walk(app: Any, client: Any, token: str, personal: list[str],
         only: Collection[str] | None = None) -> tuple[list[tuple], list[str]]:
    """Request every rule × method × converter values as the signed-in radio ``client`` (only the
    rules of the endpoints in ``only`` when given). Returns (walked [(endpoint, method, url,
    status)], problems [text])."""
    adapter = app.url_map.bind("localhost")
    walked: list[tuple] = []
    problems: list[str] = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_REQUESTED or (only is not None and rule.endpoint not in only):
            continue
        api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"OPTIONS"}):
            for values in _values(rule):
                url = adapter.build(rule.endpoint, values, method=method)
                headers = {"Authorization": f"Bearer {token}"} if api else {}
                resp = client.open(url, method=method, headers=headers, data=None if method in ("GET", "HEAD") else {})
                walked.append((rule.endpoint, method, url, resp.status_code))
                if rule.endpoint in ALLOWED:
                    body = resp.get_data().decode("utf-8", "replace")  # the favicon is binary
                    shown = [p for p in personal if p in body]
                    if shown:
                        problems.append(f"{method} {url} (allowed) shows {shown}")
                    continue
                refused = REFUSED_API if api else REFUSED
                if resp.status_code not in refused:
                    problems.append(f"{method} {url} [{rule.endpoint}] -> {resp.status_code}, expected one of "
                                    f"{sorted(refused)}, or an entry in ALLOWED if it shows no person")
        # Still signed in as radio? (A route that signed the walk out would hide leaks.)
        if client.get("/phat-thanh/").status_code != 200:
            problems.append(f"signed out after {rule.endpoint}")
            assert login(client, "dai").status_code == 302
    return walked, problems


def test_radio_role_is_refused_on_every_route_that_is_not_aggregate_only(app, client):
    seeded = _seed(app)
    token = _radio_account(app, "dai")
    assert login(client, "dai").status_code == 302
    personal = seeded["names"] + seeded["codes"] + [CCCD, PHONE, "350000000000001"]
    walked, problems = walk(app, client, token, personal)
    assert not problems, "\n".join(problems)
    endpoints = {w[0] for w in walked}
    # The walk reached the routes that do show people (guards against an empty or partial walk).
    for must in ("api_v1.households", "api_v1.household", "api_v1.applications", "api_v1.application"):
        assert must in endpoints
    assert ALLOWED.keys() - NOT_REQUESTED <= endpoints, ALLOWED.keys() - endpoints
    assert len(walked) >= len(list(app.url_map.iter_rules())) - len(NOT_REQUESTED)


def test_the_walk_catches_a_route_added_without_a_role_check(app_config):
    """A new route any signed-in user may open (it shows a name) fails the walk."""
    from flask import Blueprint

    from subsidy import create_app
    from tests.conftest import _empty_all_tables

    app = create_app(app_config)
    leaky = Blueprint("leaky", __name__)

    @leaky.route("/lo-ra/<int:household_id>")
    def show(household_id: int) -> str:
        from subsidy.request_scope import db_session

        return db_session().get(Household, household_id).head_name

    app.register_blueprint(leaky)
    try:
        client = app.test_client()
        seeded = _seed(app)
        token = _radio_account(app, "dai")
        assert login(client, "dai").status_code == 302
        # The rest of the map is walked by the test above; here the new route alone.
        walked, problems = walk(app, client, token, seeded["names"], only={"leaky.show"})
        assert [w[:3] for w in walked] == [("leaky.show", "GET", "/lo-ra/1"), ("leaky.show", "HEAD", "/lo-ra/1")]
        assert problems == [
            "GET /lo-ra/1 [leaky.show] -> 200, expected one of [403, 404, 405], or an entry in ALLOWED if it "
            "shows no person",
            "HEAD /lo-ra/1 [leaky.show] -> 200, expected one of [403, 404, 405], or an entry in ALLOWED if it "
            "shows no person",
        ]
    finally:
        _empty_all_tables(app.extensions["subsidy.engine"])
        app.extensions["subsidy.engine"].dispose()
