"""Who and what the documents name, from the commune's settings and the rule set in force, never a
hard-coded text: the report's NGƯỜI LẬP BIỂU is whoever takes it away (a line to sign over from the
command line), its closing note cites the rule set's legal basis; a new list's ký hiệu comes from
the document kind codes (DOC_KIND_CODES) and the commune's abbreviation, as receipts' do."""
from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader

from subsidy.models import RuleSet
from subsidy.services import lists as lists_svc
from subsidy.services import rulesets
from tests.conftest import login

TT14 = "Thông tư số 14/2022/TT-BTTTT ngày 28/10/2022 của Bộ Thông tin và Truyền thông"


def pages(data: bytes) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_report_pdf_names_its_preparer_and_cites_the_rule_set(client, make_user, history):
    make_user("lapbieu", "clerk", full_name="Huỳnh Thị Lập Biểu")
    login(client, "lapbieu")
    last = pages(client.get("/bao-cao/tai-ve.pdf?ky=thang&thang=2026-03").data)[-1]
    assert "NGƯỜI LẬP BIỂU" in last
    assert "Huỳnh Thị Lập Biểu" in last  # the signed-in user's full name, typed under the space to sign
    assert f"Theo {TT14}." in last


def test_report_from_the_command_line_leaves_the_preparer_blank(app, history, tmp_path):
    out = tmp_path / "bc.pdf"
    res = app.test_cli_runner().invoke(args=["tally", "--month", "2026-03", "--format", "pdf", "--output", str(out)])
    assert res.exit_code == 0, res.output
    last = pages(out.read_bytes())[-1]
    names = last.split("(Ký, ghi rõ họ tên, đóng dấu)")[-1]
    assert "NGƯỜI LẬP BIỂU" in last and f"Theo {TT14}." in last
    # no preparer from the command line: a blank to sign over; the commune records no signer's name:
    # a dotted line to write it by hand (30 dots, as every document prints it)
    assert names.strip() == "." * 30


def test_a_successor_rule_set_words_its_own_basis():
    successor = RuleSet(code="VTCI-2026", version=1, legal_source="Thông tư 99/2026/TT-BKHCN",
                        definition={"receipt_legal_basis": "Thông tư số 99/2026/TT-BKHCN ngày 01/03/2026 của "
                                                           "Bộ Khoa học và Công nghệ"})
    assert rulesets.legal_basis(successor).startswith("Thông tư số 99/2026/TT-BKHCN ngày 01/03/2026")
    unworded = RuleSet(code="VTCI-2026", version=1, legal_source="Thông tư 99/2026/TT-BKHCN", definition={})
    assert rulesets.legal_basis(unworded) == "Thông tư 99/2026/TT-BKHCN"
    assert rulesets.legal_basis(None) == TT14


def test_list_numbers_take_the_configured_symbol(app, session):
    assert lists_svc.next_number(session, "DSHT-UBND") == "01/DSHT-UBND"
    assert lists_svc.next_number(session) == "01/DS-UBND"  # the default kind code and body
    lists_svc.new_list(session, None, number=lists_svc.next_number(session, "DSHT-UBND"))
    assert lists_svc.next_number(session, "DSHT-UBND") == "02/DSHT-UBND"  # the register goes on
