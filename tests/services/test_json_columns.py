"""JSON columns (here the audit log's changes) are written by db.json_text: Vietnamese as UTF-8
text, no spaces after separators; a lone surrogate, which UTF-8 cannot carry, keeps its escape.
What is read back equals what was written on both databases."""
from __future__ import annotations

import json

from sqlalchemy import select, text

from subsidy.db import json_text
from subsidy.models import AuditEntry
from subsidy.services import audit


def stored_text(session, entry_id: int) -> str:
    """The column's text as the database holds it (PostgreSQL: the JSON type keeps the text)."""
    return session.execute(text("SELECT CAST(changes AS TEXT) FROM audit_entries WHERE id = :i"),
                           {"i": entry_id}).scalar_one()


def test_vietnamese_is_stored_as_itself_and_read_back(session, clerk):
    changes = {"head_name": [None, "Đỗ Thành Điền"], "members": [2, 3], "meritorious": [None, True]}
    entry = audit.record(session, clerk, "household.update", "household", 1, changes)
    session.commit()
    raw = stored_text(session, entry.id)
    assert raw == '{"head_name":[null,"Đỗ Thành Điền"],"members":[2,3],"meritorious":[null,true]}'
    assert "\\u" not in raw
    session.expire_all()
    assert session.scalars(select(AuditEntry.changes).where(AuditEntry.id == entry.id)).one() == changes


def test_a_lone_surrogate_keeps_its_escape_and_reads_back():
    value = {"note": "a\ud800b", "name": "Ánh"}
    out = json_text(value)
    assert out == '{"note":"a\\ud800b","name":"\\u00c1nh"}'
    assert json.loads(out) == value
    assert json_text(["Ánh"]) == '["Ánh"]'
    out.encode("utf-8")  # what the database driver does with it: no UnicodeEncodeError


def test_older_escaped_rows_read_the_same(session, clerk):
    entry = audit.record(session, clerk, "household.update", "household", 1, {"x": [None, "y"]})
    session.commit()
    # A row written before (json.dumps' default escapes and spaces) reads as the same value.
    session.execute(text("UPDATE audit_entries SET changes = :c WHERE id = :i"),
                    {"c": json.dumps({"head_name": [None, "Lê Thị Ánh"]}), "i": entry.id})
    session.commit()
    session.expire_all()
    assert session.get(AuditEntry, entry.id).changes == {"head_name": [None, "Lê Thị Ánh"]}
