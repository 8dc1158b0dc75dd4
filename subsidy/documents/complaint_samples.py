"""Sample complaint documents (the acceptance notice and the first decision), at ordinary lengths or with
every text at the longest the register's forms accept, for ``flask --app app sample-documents`` and the
PDF tests. Made-up people and facts; no database."""
from __future__ import annotations

import datetime as dt

from subsidy.domain.complaints.documents import AcceptanceNotice, Complainant, ComplaintDecision, personal_signer
from subsidy.domain.documents import Issuer, Signer, document_number
from subsidy.domain.labels import CLERK_TITLE

D = dt.date


def _text(n: int, seed: str = "Nguyễn Thị Ánh Tuyết Đặng Văn Hưởng Lý Ngọc Ẩn Ưng Ỷ Lan ") -> str:
    out = (seed * (n // len(seed) + 1))[:n]
    return out[:-1] + "x" if out.endswith(" ") else out


def _issuer(long: bool) -> Issuer:
    if not long:
        return Issuer(body_upper="", body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân",
                      signer=Signer(name="Trần Văn Bình"))
    return Issuer(body_upper="UBND TỈNH ĐỒNG THÁP", body="ỦY BAN NHÂN DÂN XÃ " + _text(60).upper(), place="Phú Tân",
                  signer=Signer(name=_text(120)))


def _complainant(long: bool) -> Complainant:
    if long:
        return Complainant(name=_text(120), address=_text(255), citizen_id="082070000001",
                           id_issued="cấp ngày 01/02/2021 tại Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                           honorific="bà", on_behalf_of="hộ " + _text(120))
    return Complainant(name="Lê Thị Hồng", address="Tổ 3, Ấp Phú Lợi, xã Phú Tân", honorific="bà",
                       citizen_id="082170000123", on_behalf_of="hộ bà Lê Thị Hồng")


CONTESTED = ("Quyết định số 12/QĐ-UBND ngày 05/11/2026 của Chủ tịch Ủy ban nhân dân xã Phú Tân phê duyệt danh sách hộ "
             "được hỗ trợ điện thoại thông minh (đợt 2 năm 2026)")
SUBJECT = ("Hộ bà Lê Thị Hồng là hộ cận nghèo năm 2026, nộp hồ sơ ngày 02/10/2026 nhưng không có tên trong danh sách "
           "được phê duyệt, trong khi hộ nộp sau lại có tên; đề nghị xem xét lại thứ tự ưu tiên và bổ sung hộ vào "
           "danh sách.")


def acceptance_notice(long: bool = False) -> AcceptanceNotice:
    """The notice that the commune's chairman accepted a first complaint about an approved list."""
    issuer = _issuer(long)
    return AcceptanceNotice(
        issuer=issuer, number=document_number(3, issuer.symbol("notice")), date=D(2026, 11, 17),
        complainant=_complainant(long), resolver="Chủ tịch Ủy ban nhân dân xã Phú Tân",
        subject=_text(2000) if long else SUBJECT, contested=_text(500) if long else CONTESTED,
        received_on=D(2026, 11, 10), accepted_on=D(2026, 11, 17), complaint_dated=D(2026, 11, 9),
        decide_by=D(2026, 12, 17), signer=personal_signer(issuer.signer),
        recipients=("Như trên", "Thanh tra tỉnh Đồng Tháp", CLERK_TITLE) if not long
        else tuple(_text(120) for _ in range(4)),
    )


def decision(long: bool = False) -> ComplaintDecision:
    """The chairman's first decision on that complaint: partly upheld, the household checked again."""
    issuer = _issuer(long)
    c = _complainant(long)
    findings = (
        "Hồ sơ của hộ bà Lê Thị Hồng được tiếp nhận ngày 02/10/2026, kiểm tra điều kiện ngày 06/10/2026 với kết "
        "quả «đủ điều kiện», nhóm ưu tiên P4 (hộ cận nghèo).\n"
        "Danh sách đề nghị số 04/DS-UBND ngày 20/10/2026 xếp các hộ theo thứ tự ưu tiên P1 đến P4, cùng nhóm thì hồ "
        "sơ nộp trước được xét trước. Chỉ tiêu còn lại của xã khi lập danh sách là 6 máy; 6 hộ được đưa vào danh "
        "sách đều thuộc nhóm P3 (hộ nghèo), nên hộ bà Hồng (P4) ở danh sách chờ.\n"
        "Hộ ông Trần Văn Tư nộp hồ sơ ngày 05/10/2026 được đưa vào danh sách vì là hộ nghèo (P3), không phải vì "
        "nộp trước."
    )
    return ComplaintDecision(
        issuer=issuer, number=document_number(18, issuer.symbol("decision")), date=D(2026, 12, 10),
        deciding_title="Chủ tịch Ủy ban nhân dân xã Phú Tân", complainant=c,
        respondent="Chủ tịch Ủy ban nhân dân xã Phú Tân", subject=SUBJECT, contested=_text(500) if long else CONTESTED,
        received_on=D(2026, 11, 10), accepted_on=D(2026, 11, 17), complaint_dated=D(2026, 11, 9),
        content=_text(2000) if long else SUBJECT,
        findings=_text(4000) if long else findings,
        dialogue="" if not long else _text(2000),
        conclusion=_text(2000) if long else (
            "Việc xếp hộ bà Lê Thị Hồng vào danh sách chờ là đúng thứ tự ưu tiên; nội dung khiếu nại cho rằng hộ "
            "nộp sau được xét trước là không đúng. Tuy vậy, việc xã chưa thông báo cho hộ biết hộ đang ở danh sách "
            "chờ và vị trí của hộ là chưa đầy đủ: khiếu nại đúng một phần."),
        articles=(_text(1000), _text(1000)) if long else (
            "Giữ nguyên Quyết định số 12/QĐ-UBND ngày 05/11/2026 của Chủ tịch Ủy ban nhân dân xã Phú Tân.",
            "Giao công chức Văn phòng - thống kê thông báo bằng văn bản cho hộ bà Lê Thị Hồng vị trí của hộ trong danh "
            "sách chờ và đưa hộ vào danh sách đề nghị kế tiếp khi xã được phân bổ thêm điện thoại.",
        ),
        second_level="Chủ tịch Ủy ban nhân dân tỉnh Đồng Tháp",
        executors=(CLERK_TITLE, f"{c.named}") if not long else (_text(120), c.named),
        signer=personal_signer(issuer.signer),
        recipients=("Chủ tịch Ủy ban nhân dân tỉnh Đồng Tháp", "Thanh tra tỉnh Đồng Tháp") if not long
        else tuple(_text(120) for _ in range(4)),
    )
