"""Importing the household list (.xlsx / .csv): the sample files, idempotence, every error case."""
from __future__ import annotations

import csv
import io
import unicodedata
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from subsidy.models import AuditEntry, Household
from subsidy.services import households, importer
from subsidy.services.importer import ImportFileError, ImportLimits, ImportRefused, import_households
from tests.conftest import DATA

XLSX = DATA / "ho-ngheo-2025-phu-tan.xlsx"
CSV = DATA / "ho-ngheo-2025-bo-sung.csv"
TOP = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Ấp", "Số nhân khẩu",
       "Phân loại hộ", None, "Thuộc đối tượng", None, "Số điện thoại"]
SUB = [None] * 8 + ["Nghèo", "Cận nghèo", "Người có công", "Chính sách XH", None]


def row(n=1, code="8250419218", name="Mai Minh Nghĩa", birth=1938, gender="Nam", cccd="082038597382",
        hamlet="Ấp Phú Hòa", members=1, poor="x", near=None, merit=None, social=None, phone="0386300391"):
    return [n, code, name, birth, gender, cccd, hamlet, members, poor, near, merit, social, phone]


def make_xlsx(rows, title="DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025", footer=True) -> bytes:
    """An .xlsx shaped like the sample: title blocks, two-row merged header, marks, total, signatures."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"
    ws["H1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    if title:
        ws["A4"] = title
    for col, v in enumerate(TOP, 1):
        if v:
            ws.cell(6, col, v)
    for col, v in enumerate(SUB, 1):
        if v:
            ws.cell(7, col, v)
    for rng in ("A6:A7", "B6:B7", "C6:C7", "I6:J6", "K6:L6", "M6:M7"):
        ws.merge_cells(rng)
    r = 8
    for values in rows:
        for col, v in enumerate(values, 1):
            if v is not None:
                ws.cell(r, col, v)
        r += 1
    if footer:
        ws.cell(r + 1, 2, f"Tổng cộng: {len(rows)} hộ")
        ws.cell(r + 3, 3, "Người lập biểu")
        ws.cell(r + 3, 10, "KT. CHỦ TỊCH")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(session, data, name="ds.xlsx", actor=None, **kw):
    return import_households(session, data, name, actor, **kw)


def norm(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


# ------------------------------------------------------------------------------------------------
# The sample files
# ------------------------------------------------------------------------------------------------


def test_sample_files_import_export_and_compare_field_by_field(session, clerk):
    first = run(session, XLSX.read_bytes(), XLSX.name, clerk)
    second = run(session, CSV.read_bytes(), CSV.name, clerk)
    session.commit()
    assert first.counts == {"new": 180, "update": 0, "unchanged": 0, "error": 0, "skipped": 6}
    assert [r.number for r in first.rows if r.status == "skipped"] == [98, 189, 190, 191, 192, 193]
    assert (first.list_year, first.year_source, second.list_year) == (2025, "title", 2025)
    assert second.counts == {"new": 40, "update": 0, "unchanged": 0, "error": 0, "skipped": 0}

    exported = {r["household_code"]: r for r in households.export_households(session)}
    for path in (XLSX, CSV):
        rows = list(csv.DictReader((DATA / (path.stem + ".expected.csv")).open(encoding="utf-8")))
        assert rows
        for exp in rows:
            got = exported.pop(exp["household_code"])
            for field, value in exp.items():
                if field == "head_name":
                    assert norm(got[field]) == norm(value), exp["household_code"]
                else:
                    assert got[field] == value, (exp["household_code"], field)
    assert exported == {}

    # The CSV writer produces the expected files byte for byte (header, order, CRLF, no BOM).
    out = io.StringIO(newline="")
    households.write_export_csv(households.export_households(session), out)
    lines = out.getvalue().split("\r\n")
    assert lines[0] == (DATA / "ho-ngheo-2025-phu-tan.expected.csv").read_text(encoding="utf-8").split("\n")[0].rstrip("\r")
    assert out.getvalue().startswith("household_code,head_name,birth_year,gender,citizen_id,hamlet,members,")


def test_importing_the_same_files_again_changes_nothing(session, clerk):
    run(session, XLSX.read_bytes(), XLSX.name, clerk)
    run(session, CSV.read_bytes(), CSV.name, clerk)
    session.commit()
    audits = session.scalar(select(func.count()).select_from(AuditEntry))
    before = {h.code: (h.updated_at, h.search_text, h.sort_key) for h in session.scalars(select(Household))}
    again = run(session, XLSX.read_bytes(), XLSX.name, clerk)
    again_csv = run(session, CSV.read_bytes(), CSV.name, clerk)
    session.commit()
    assert again.counts["unchanged"] == 180 and again.counts["new"] == again.counts["update"] == again.counts["error"] == 0
    assert again_csv.counts["unchanged"] == 40
    assert not again.committed and not again_csv.committed
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audits  # no audit noise
    assert {h.code: (h.updated_at, h.search_text, h.sort_key) for h in session.scalars(select(Household))} == before


def test_each_import_is_audited_once_for_the_batch_and_per_household(session, clerk):
    report = run(session, XLSX.read_bytes(), XLSX.name, clerk)
    session.commit()
    batch = session.get(AuditEntry, report.batch_audit_id)
    assert (batch.action, batch.actor_id) == ("household.import", clerk.id)
    assert batch.changes["new"] == 180 and batch.changes["list_year"] == 2025 and batch.changes["file"] == XLSX.name
    creates = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "household.create")))
    assert len(creates) == 180
    mai = session.scalar(select(Household).where(Household.code == "8250419218"))
    entry = next(e for e in creates if e.entity_id == mai.id)
    assert entry.changes["citizen_id"] == [None, "082038597382"] and "dòng 8" in entry.note


def test_changed_rows_are_updates_with_their_changes(session, clerk):
    run(session, make_xlsx([row(), row(2, "8273300726", "Lâm Thành Nghĩa", 1941, cccd="082041207726", poor=None, near="x")]))
    session.commit()
    data = make_xlsx([row(members=4, phone=None, social="x"),
                      row(2, "8273300726", "Lâm Thành Nghĩa", 1941, cccd="082041207726", poor=None, near="x"),
                      row(3, "8277490478", "Đinh Hồng Tư", 1994, "Nữ", "082194184616", near="x", poor=None)])
    preview = run(session, data, dry_run=True)
    assert [r.status for r in preview.rows if r.status != "skipped"] == ["update", "unchanged", "new"]
    upd = preview.rows[0]
    # an empty phone cell keeps the phone on file; marks always come from the file
    assert upd.changes == {"members": [1, 4], "social_policy": [False, True]}
    assert session.scalar(select(Household.members).where(Household.code == "8250419218")) == 1  # dry run wrote nothing
    report = run(session, data, actor=clerk)
    session.commit()
    hh = session.scalar(select(Household).where(Household.code == "8250419218"))
    assert (hh.members, hh.social_policy, hh.phone) == (4, True, "0386300391")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "household.update"))
    assert entry.entity_id == hh.id and entry.changes == {"members": [1, 4], "social_policy": [False, True]}
    assert report.counts["new"] == 1


def test_a_row_matches_by_cccd_when_its_code_is_new(session):
    run(session, make_xlsx([row()]))
    report = run(session, make_xlsx([row(code="8299999999")]))
    assert [r.status for r in report.rows if r.status != "skipped"] == ["update"]
    assert report.rows[0].changes == {"code": ["8250419218", "8299999999"]}


def test_code_of_one_household_and_cccd_of_another_is_an_error(session):
    run(session, make_xlsx([row(), row(2, "8273300726", "Lâm Thành Nghĩa", 1941, cccd="082041207726")]))
    with pytest.raises(ImportRefused) as err:
        run(session, make_xlsx([row(cccd="082041207726", birth=1941)]))
    msg = err.value.report.error_rows[0].messages[0]
    assert "Số CCCD 082041207726 đã thuộc hộ khác: mã 8273300726 (Lâm Thành Nghĩa)" in msg
    assert "không phải hộ mã 8250419218 (Mai Minh Nghĩa)" in msg


def test_list_year_option_title_filename_or_current(session):
    assert run(session, make_xlsx([row()]), dry_run=True).list_year == 2025
    assert run(session, make_xlsx([row()]), dry_run=True, year=2024).list_year == 2024
    assert run(session, make_xlsx([row()], title="DANH SÁCH HỘ NGHÈO"), "ds-2023.xlsx", dry_run=True).year_source == "filename"
    current = run(session, make_xlsx([row()], title=None), "ds.xlsx", dry_run=True)
    assert current.year_source == "current" and current.list_year >= 2025


# ------------------------------------------------------------------------------------------------
# Row errors: all or nothing, or skip_invalid
# ------------------------------------------------------------------------------------------------

ERROR_ROWS = [
    (dict(cccd="12345678"), "Số CCCD"),                       # bad CCCD
    (dict(cccd=8.2e11), "số mũ"),                             # an ID as a number in scientific notation
    (dict(cccd="8.2E+11"), "số mũ"),                          # the same as text
    (dict(cccd=82038597382.5), "phần thập phân"),             # a float with a fraction
    (dict(poor="v"), "Dấu «v» ở cột Nghèo"),                  # unknown category mark
    (dict(birth="04/22/1964"), "Năm sinh"),                   # month first
]


@pytest.mark.parametrize("kw, fragment", ERROR_ROWS)
def test_row_errors_refuse_the_whole_file_with_row_number_and_reason(session, clerk, kw, fragment):
    data = make_xlsx([row(2, "8273300726", "Lâm Thành Nghĩa", 1941, cccd="082041207726"), row(**kw)])
    with pytest.raises(ImportRefused) as err:
        run(session, data, actor=clerk)
    bad = err.value.report.error_rows
    assert [r.number for r in bad] == [9] and any(fragment in m for m in bad[0].messages), bad[0].messages
    assert "có 1 dòng lỗi" in str(err.value)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Household)) == 0


def test_skip_invalid_imports_only_the_valid_rows(session, clerk):
    data = make_xlsx([row(2, "8273300726", "Lâm Thành Nghĩa", 1941, cccd="082041207726"), row(cccd=8.2e11)])
    report = run(session, data, actor=clerk, skip_invalid=True)
    assert report.committed and report.counts["new"] == 1 and report.counts["error"] == 1
    assert list(session.scalars(select(Household.code))) == ["8273300726"]


def test_duplicate_cccd_inside_the_file_is_reported_on_both_rows(session):
    data = make_xlsx([row(), row(2, "8273300726", "Lâm Thành Nghĩa", 1938)])  # same CCCD, other code
    with pytest.raises(ImportRefused) as err:
        run(session, data)
    bad = err.value.report.error_rows
    assert [r.number for r in bad] == [8, 9]
    assert "trùng với dòng 9" in bad[0].messages[-1] and "trùng với dòng 8" in bad[1].messages[-1]


def test_duplicate_cccd_against_the_database_is_not_merged(session):
    run(session, make_xlsx([row(), row(2, "8273300726", "Lâm Thành Nghĩa", 1941, cccd="082041207726")]))
    session.commit()
    # a new household code whose CCCD belongs to a household on file, and a code on file with another's CCCD
    data = make_xlsx([row(3, "8277490478", "Đinh Hồng Tư", 1941, cccd="082041207726"), row(cccd="082041207726", birth=1941)])
    with pytest.raises(ImportRefused) as err:
        run(session, data)
    report = err.value.report
    assert report.counts["error"] == 2
    session.rollback()
    assert session.scalar(select(Household.citizen_id).where(Household.code == "8250419218")) == "082038597382"


def test_two_rows_landing_on_the_same_household_are_errors(session):
    run(session, make_xlsx([row()]))
    session.commit()
    with pytest.raises(ImportRefused) as err:
        run(session, make_xlsx([row(), row(2, "8299999999", cccd="082038597382")]))
    assert {r.number for r in err.value.report.error_rows} == {8, 9}


# ------------------------------------------------------------------------------------------------
# CSV variants
# ------------------------------------------------------------------------------------------------

CSV_HEADER = "STT;Mã hộ;Họ tên chủ hộ;Năm sinh;Giới tính;CCCD;Thôn;Số nhân khẩu;Phân loại hộ;Người có công;Chính sách XH;SĐT"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_csv_with_semicolons_with_or_without_bom(session, bom):
    text = "\n".join([CSV_HEADER, "1;8250419218;Mai Minh Nghĩa;22/04/1938;Nam;82038597382;Ấp Phú Hòa;2;HN;;x;386300391",
                      "2;8273300726;LÂM THÀNH NGHĨA;1941;Nam;082041207726;Ấp Phú Hòa;1;HCN;x;;", ";;;;;;;;;;;",
                      ";Tổng cộng: 2 hộ;;;;;;;;;;"])
    report = run(session, bom + text.encode("utf-8"), "bo-sung.csv")
    assert report.counts == {"new": 2, "update": 0, "unchanged": 0, "error": 0, "skipped": 2}
    rows = {r["household_code"]: r for r in households.export_households(session)}
    assert rows["8250419218"]["citizen_id"] == "082038597382" and rows["8250419218"]["phone"] == "0386300391"
    assert rows["8250419218"]["birth_year"] == "1938" and rows["8250419218"]["social_policy"] == "1"
    assert rows["8273300726"]["head_name"] == "Lâm Thành Nghĩa" and rows["8273300726"]["category"] == "near_poor"


def test_csv_that_is_not_utf8_is_refused(session):
    data = (CSV_HEADER + "\n1;8250419218;Mai Minh Nghĩa").encode("cp1258", errors="replace")
    with pytest.raises(ImportFileError, match="UTF-8"):
        run(session, data, "ds.csv")


# ------------------------------------------------------------------------------------------------
# File-level refusals
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data, name, fragment", [
    (b"", "ds.xlsx", "rỗng"),
    (b"%PDF-1.7 ...", "ds.xlsx", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ds.xls", "không phải tệp .xlsx hoặc .csv"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ds.xlsx", "Excel 97"),
    (b"STT,Ma ho\n1,2\n", "ds.xlsx", "nội dung không phải tệp Excel"),
    (b"PK\x03\x04 not really a zip", "ds.xlsx", "bị hỏng"),
    (b"hello", "virus.exe", "không phải tệp .xlsx hoặc .csv"),
    (b"\x00\x01\x02binary", "ds.csv", "không phải tệp văn bản"),
    (b"a,b\n1,2\n", "ds.csv", "Không tìm thấy dòng tiêu đề"),
    (b"\n\n  \n", "ds.csv", "không có dữ liệu"),
])
def test_wrong_type_empty_and_unreadable_files(session, data, name, fragment):
    with pytest.raises(ImportFileError) as err:
        run(session, data, name)
    assert fragment in str(err.value)


def test_a_docx_renamed_to_xlsx_is_refused(session):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ImportFileError, match="không phải tệp Excel .xlsx"):
        run(session, buf.getvalue(), "ds.xlsx")


def test_header_only_file_has_no_household(session):
    with pytest.raises(ImportFileError, match="không có dòng hộ nào"):
        run(session, make_xlsx([], footer=False))


def test_oversized_file_is_refused(session):
    data = make_xlsx([row()])
    with pytest.raises(ImportFileError, match="vượt giới hạn"):
        run(session, data, limits=ImportLimits(max_bytes=len(data) - 1))


def test_zip_bomb_is_refused_before_inflating(session):
    data = make_xlsx([row()])
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info, src.read(info.filename))
        zf.writestr("xl/media/padding.bin", b"\0" * (40 * 1024 * 1024))  # 40 MB of zeros: about 40 kB compressed
    bomb = buf.getvalue()
    assert len(bomb) < 200_000
    with pytest.raises(ImportFileError, match="zip bomb"):
        run(session, bomb)
    with pytest.raises(ImportFileError, match="khi giải nén nặng"):
        run(session, bomb, limits=ImportLimits(max_uncompressed_bytes=10 * 1024 * 1024))


def test_too_many_rows_is_refused(session):
    rows = [row(i, f"82{i:08d}", cccd=None, phone=None) for i in range(1, 31)]
    with pytest.raises(ImportFileError, match="hơn 25 dòng dữ liệu"):
        run(session, make_xlsx(rows), limits=ImportLimits(max_rows=25))
    assert run(session, make_xlsx(rows), limits=ImportLimits(max_rows=30), dry_run=True).counts["new"] == 30


def test_limits_come_from_the_app_config():
    limits = ImportLimits.from_config({"MAX_CONTENT_LENGTH": 5_000_000, "IMPORT_MAX_ROWS": 100}, {})
    assert (limits.max_bytes, limits.max_rows) == (5_000_000, 100)
    assert ImportLimits.from_config({"IMPORT_MAX_BYTES": 7}, {}).max_bytes == 7
    assert ImportLimits.from_config({}, {"IMPORT_MAX_ROWS": "9"}).max_rows == 9


def test_progress_is_reported(session):
    calls = []
    rows = [row(i, f"82{i:08d}", cccd=None, phone=None) for i in range(1, 1100)]
    run(session, make_xlsx(rows), dry_run=True, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] >= 1100 and all(d <= t for d, t in calls)


def test_report_survives_json(session):
    report = run(session, XLSX.read_bytes(), XLSX.name, dry_run=True)
    again = importer.ImportReport.from_json(report.to_json())
    skipped = next(i for i, r in enumerate(report.rows) if r.status == "skipped")
    assert again.counts == report.counts and again.rows[skipped] == report.rows[skipped]
    assert (again.rows[0].number, again.rows[0].code, again.rows[0].changes) == (8, "8250419218", {})


def test_the_file_is_read_before_any_database_transaction_starts(session):
    # On SQLite each transaction takes the write lock: reading a big file must not hold it.
    session.rollback()
    seen = []
    rows = [row(i, f"82{i:08d}", cccd=None, phone=None) for i in range(1, 1100)]
    run(session, make_xlsx(rows), dry_run=True, progress=lambda done, total: seen.append(session.in_transaction()))
    assert seen and not any(seen)


def test_a_new_households_audit_entry_holds_each_stored_value_and_no_empty_one(session, clerk):
    # Marks set (booleans true), no phone (left out), a near-poor row with its marks empty (false: left out).
    run(session, make_xlsx([row(members=3, merit="x", social="x", phone=None),
                            row(2, "8273300726", "Lâm Thành Nghĩa", 1941, cccd="082041207726", poor=None, near="x")]),
        actor=clerk)
    session.commit()
    created = {e.entity_id: (e.changes, e.note, e.actor_id) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.action == "household.create"))}
    ids = dict(session.execute(select(Household.code, Household.id)).all())
    assert created[ids["8250419218"]] == ({
        "code": [None, "8250419218"], "head_name": [None, "Mai Minh Nghĩa"], "head_birth_year": [None, 1938],
        "head_gender": [None, "M"], "citizen_id": [None, "082038597382"], "citizen_id_kind": [None, "cccd"],
        "hamlet": [None, "Ấp Phú Hòa"], "members": [None, 3], "category": [None, "poor"], "list_year": [None, 2025],
        "meritorious": [None, True], "social_policy": [None, True], "prior_device": [None, "unknown"],
    }, "Nhập danh sách «ds.xlsx» (năm 2025), dòng 8", clerk.id)
    assert created[ids["8273300726"]][0] == {
        "code": [None, "8273300726"], "head_name": [None, "Lâm Thành Nghĩa"], "head_birth_year": [None, 1941],
        "head_gender": [None, "M"], "citizen_id": [None, "082041207726"], "citizen_id_kind": [None, "cccd"],
        "hamlet": [None, "Ấp Phú Hòa"], "members": [None, 1], "phone": [None, "0386300391"],
        "category": [None, "near_poor"], "list_year": [None, 2025], "prior_device": [None, "unknown"],
    }


def test_the_preview_and_the_audit_log_name_a_field_alike_as_the_household_form_does():
    from forms.households import HouseholdForm
    from subsidy.domain.labels import FIELD_LABELS

    assert set(importer.FIELD_LABELS) == {*importer.IMPORT_FIELDS, "archived", "people"}
    assert importer.FIELD_LABELS["members"] == FIELD_LABELS["members"] == "Số nhân khẩu"
    assert importer.FIELD_LABELS["people"] == FIELD_LABELS["people"] == "Thành viên"
    assert HouseholdForm.members.args[0] == "Số nhân khẩu"
