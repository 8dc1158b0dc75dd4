"""The audit log page and its Excel copy follow the one rule for personal fields
(domain.scope.shown_value): the admin reads a handover's subscriber number and recipient's CCCD
masked, the commune's approver in full; the phone handed over is a make and model, labelled so.
The scenario is tests/services/test_audit_personal_fields.py's."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import login
from tests.services.test_audit_personal_fields import RECIPIENT_ID, SUBSCRIBER, _scenario


def test_the_log_page_and_its_export_mask_for_the_admin_and_show_the_approver(app, client, make_user, tt14, session):
    _scenario(session, tt14)
    session.commit()
    make_user("quantri-nk", "admin")
    make_user("lanhdao-nk", "approver")
    filters = {"entity_type": "handover"}
    assert login(client, "quantri-nk").status_code == 302
    page = client.get("/quan-tri/nhat-ky", query_string=filters).get_data(as_text=True)
    assert "*******678" in page and SUBSCRIBER not in page and RECIPIENT_ID not in page
    assert "Samsung Galaxy A05" in page and "Máy điện thoại (hãng, kiểu máy)" in page
    book = load_workbook(io.BytesIO(client.get("/quan-tri/nhat-ky.xlsx", query_string=filters).data))
    cells = "\n".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)
    assert "Số thuê bao: (trống) → *******678" in cells
    assert "Số CCCD người nhận: (trống) → ********1234" in cells
    assert SUBSCRIBER not in cells and RECIPIENT_ID not in cells
    client.post("/dang-xuat")
    assert login(client, "lanhdao-nk").status_code == 302
    page = client.get("/quan-tri/nhat-ky", query_string=filters).get_data(as_text=True)
    assert SUBSCRIBER in page and RECIPIENT_ID in page
