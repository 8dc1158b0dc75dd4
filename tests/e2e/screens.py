"""Screenshots of every staff page at phone width (390×844) and on a desktop (1366×768), signed in
as the role that uses it, on a temporary database holding the programme history of
tests/tally_history.py and the sample list. For looking at the pages (and for the user guide's
pictures under subsidy/static/help/): not a test.

    .venv/bin/python -m tests.e2e.screens OUT_DIR [--help-images]

``--help-images`` also writes the guide's small PNGs (390 px wide, 8-colour-reduced) into
subsidy/static/help/.
"""
from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from subsidy import create_app
from subsidy.db import upgrade_database
from subsidy.domain.calendar import today_vn
from subsidy.services import users
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.tally_history import build_history

PASSWORD = "Trau-cau-ruong-2026"
ACCOUNTS = {"clerk": ("canbo", "Lê Thu Hà"), "approver": ("lanhdao", "Võ Minh Duyệt"),
            "admin": ("quantri", "Nguyễn Quản Trị"), "radio": ("daitruyenthanh", "Đài Phú Tân")}
#: (name, role, path): the pages looked at.
PAGES = (
    ("home", "clerk", "/"), ("households", "clerk", "/ho-gia-dinh/"), ("household", "clerk", "/ho-gia-dinh/1"),
    ("household-form", "clerk", "/ho-gia-dinh/1/sua"), ("import", "clerk", "/nhap-danh-sach/"),
    ("applications", "clerk", "/ho-so/"), ("applications-approved", "clerk", "/ho-so/?state=approved"),
    ("application", "clerk", "/ho-so/1"), ("application-new", "clerk", "/ho-so/moi"),
    ("lists", "clerk", "/danh-sach/"), ("list", "approver", "/danh-sach/1"),
    ("receipts", "clerk", "/bien-ban/"), ("receipt", "clerk", "/bien-ban/1"),
    ("tally", "clerk", "/bao-cao"), ("radio", "radio", "/phat-thanh/"), ("rulesets", "approver", "/bo-quy-tac/"),
    ("audit", "approver", "/quan-tri/nhat-ky"), ("accounts", "admin", "/quan-tri/tai-khoan"),
    ("help", "clerk", "/huong-dan/"), ("status", None, "/tra-cuu"),
)
SIZES = {"phone": (390, 844), "desktop": (1366, 768)}
#: Whole pages (to look at) or the first screen only (the guide's pictures).
FULL_PAGE = "--full" in sys.argv
#: Also write the guide's pictures (the first 700 px of the phone screen) into subsidy/static/help.
HELP_IMAGES = "--help-images" in sys.argv
HELP_DIR = Path(__file__).resolve().parents[2] / "subsidy" / "static" / "help"
HELP_SHOTS = {"import", "households", "applications", "application", "lists", "receipts", "tally", "radio", "audit"}


def add_list_and_receipts(session, apps: dict, staff: dict) -> None:
    """The pages of a proposal list and of a receipt need both in the history: A2 (eligible, waiting)
    goes on list 1 through the list services (built, submitted, approved) and is handed over
    through the handover service (receipt 1)."""
    import datetime as dt

    from subsidy.services import lists
    from subsidy.services.handovers import HandoverInput, record_handover

    clerk, approver = staff["clerk"], staff["approver"]
    # A2 was re-checked eligible in March: its household's answer to E2 (no earlier device) is on
    # file, so its check still holds against the allocation dates (lists.check_e2_still_holds).
    apps["A2"].household.prior_device = "none"
    first = lists.build_proposal_list(session, clerk, count=1)
    lists.submit_list(session, first, clerk)
    lists.approve_list(session, first, "12/QĐ-UBND", today_vn(), "UBND xã Phú Tân", approver)
    record_handover(session, apps["A2"].id, HandoverInput(
        phone_make="Nokia", phone_model="C32", imei="356938035643809", telecom="VNPT",
        subscriber_number="0912 000 111", handed_on=today_vn(), recipient_name=apps["A2"].household.head_name,
        recipient_citizen_id=apps["A2"].household.citizen_id or "082070000123"), clerk)
    session.flush()


def serve() -> tuple[str, object]:
    db = Path(tempfile.mkdtemp()) / "screens.sqlite3"
    url = f"sqlite:///{db}"
    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "screens", "TESTING": False,
                      "RATELIMIT_STORAGE_URI": "memory://",
                      "JOBS_IMMEDIATE": True})  # no job worker beside this server: imports run in the request
    s = app.extensions["subsidy.sessionmaker"]()
    apps = build_history(s)
    staff = {role: users.create_user(s, name, role, PASSWORD, None, full_name=full, must_change_password=False)
             for role, (name, full) in ACCOUNTS.items()}
    add_list_and_receipts(s, apps, staff)
    s.commit()
    s.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def shoot(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    base, server = serve()
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for size, (w, h) in SIZES.items():
            contexts = {}
            for name, role, path in PAGES:
                if role not in contexts:
                    ctx = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN")
                    pg = ctx.new_page()
                    if role:
                        pg.goto(f"{base}/dang-nhap")
                        pg.fill("#username", ACCOUNTS[role][0])
                        pg.fill("#password", PASSWORD)
                        pg.click("button[type=submit]")
                        pg.wait_for_load_state()
                    contexts[role] = pg
                pg = contexts[role]
                pg.goto(base + path)
                pg.wait_for_load_state()
                file = out / f"{name}-{size}.png"
                pg.screenshot(path=str(file), full_page=FULL_PAGE)
                made.append(file)
                if HELP_IMAGES and size == "phone" and name in HELP_SHOTS:
                    pg.screenshot(path=str(HELP_DIR / f"{name}.png"), clip={"x": 0, "y": 0, "width": w, "height": 700})
        browser.close()
    server.shutdown()
    return made


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    for f in shoot(Path(args[0] if args else "/tmp/screens")):
        print(f)
