"""One reading of a row id sent in a request (services.lookup.row_id): the web's forms and cookie
(web.ids) and the audit log's filters take the same ids and drop the same others."""
from __future__ import annotations

import pytest

from subsidy.services.audit_log import AuditFilters
from subsidy.services.lookup import row_id
from subsidy.web import ids

LAST = 2**31 - 1  # PostgreSQL's INTEGER ends here, written out


@pytest.mark.parametrize("raw, expected", [
    ("12", 12), (" 7 ", 7), (str(LAST), LAST), (LAST, LAST),
    ("0", None), ("-3", None), (str(LAST + 1), None), (str(2**63), None), ("9" * 5000, None),
    ("", None), (None, None), ("abc", None), ("1.5", None), ("²", None),
])
def test_an_id_from_a_request_is_read_one_way(raw, expected):
    assert row_id(raw) == expected
    assert ids.row_id is row_id
    filters = AuditFilters.from_args({"actor": raw, "entity_id": raw, "entity_type": "application"})
    assert (filters.actor_id, filters.entity_id) == (expected, expected)
