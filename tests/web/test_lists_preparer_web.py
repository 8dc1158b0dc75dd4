"""The list PDF's "NGƯỜI LẬP DANH SÁCH" is the clerk who drew up the list
(ProposalList.created_by_id), whoever downloads it; a proposal list carries no "(Kèm theo …)" line
pointing at itself."""
from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader

from subsidy.models import User
from subsidy.services import lists as svc
from tests.conftest import login


def pdf_text(data: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_list_pdf_prints_its_creator_for_every_downloader(app, make_user):
    maker = make_user("lap", "clerk", full_name="Trần Văn Lập")
    make_user("khac", "clerk", full_name="Nguyễn Thị Khác")
    make_user("duyet", "approver", full_name="Phạm Văn Duyệt")
    s = app.extensions["subsidy.sessionmaker"]()
    pl = svc.new_list(s, s.get(User, maker.id), number="01/DS-UBND")
    s.commit()
    list_id = pl.id
    s.close()

    for username, other in (("lap", "Nguyễn Thị Khác"), ("khac", "Nguyễn Thị Khác"), ("duyet", "Phạm Văn Duyệt")):
        client = app.test_client()
        assert login(client, username).status_code == 302
        resp = client.get(f"/danh-sach/{list_id}/de-nghi.pdf")
        assert resp.status_code == 200, username
        text = pdf_text(resp.data)
        assert "NGƯỜI LẬP DANH SÁCH" in text
        assert "Trần Văn Lập" in text, username
        if username != "lap":
            assert other not in text, username  # not the downloader
        assert "Số: 01/DS-UBND" in text and "Kèm theo" not in text


def test_list_document_of_a_list_with_no_known_creator_leaves_the_name_blank(session):
    from subsidy.domain.documents import DEFAULT_ISSUER

    pl = svc.new_list(session, None, number="02/DS-UBND")
    session.flush()
    doc = svc.list_document(session, pl, kind="proposal", issuer=DEFAULT_ISSUER)
    assert doc.prepared_by == "" and doc.subtitle == ""
