"""Part 3: an editor imports a member file with two bad rows, reads what is wrong and where,
fixes the file, imports it, and finds the members in the list. Nothing is written from the
file with errors."""

import datetime

import pytest
from openpyxl import Workbook

from huunghi.network.imports.rows import COLUMNS
from huunghi.network.models import Membership
from huunghi.network.tests.factories import make_association
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import RoleFactory, UserFactory, make_org, national_root
from huunghi.people.models import Person
from tests.browser.test_part1_journey import assert_no_stack_trace, log_in
from tests.browser.test_part3_secretary_journey import choose

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

ASSOCIATION = "Hội hữu nghị Việt Nam – Campuchia tỉnh Đồng Tháp"
GOOD = [
    ("Nguyễn", "Thị", "Mai", "Nữ", "12/03/1975", "0912 000 001", "01/05/2015"),
    ("Trần", "Văn", "Hùng", "Nam", "02/11/1960", "0912 000 002", "15/08/2018"),
    ("Lê", "Ngọc", "Hà", "Nữ", "", "", "20/01/2021"),
]
BAD = [
    ("Phạm", "Văn", "Tâm", "Nam", "01/01/1970", "12345", "01/02/2020"),  # phone
    ("Võ", "Thị", "Lan", "Nữ", "05/06/1980", "0912 000 005", "31/02/2022"),  # no 31 February
]
FIXED = [
    ("Phạm", "Văn", "Tâm", "Nam", "01/01/1970", "0912 000 004", "01/02/2020"),
    ("Võ", "Thị", "Lan", "Nữ", "05/06/1980", "0912 000 005", "28/02/2022"),
]


def member_file(path, rows, association_code):
    headers = [c.header for c in COLUMNS]
    keys = [
        "family_name",
        "middle_name",
        "given_name",
        "gender",
        "date_of_birth",
        "phone",
        "joined_on",
    ]
    book = Workbook()
    sheet = book.active
    sheet.title = "Hội viên"
    sheet.append(headers)
    for row in rows:
        values = dict(zip(keys, row, strict=True))
        values["organization"] = association_code
        sheet.append([values.get(c.key, "") for c in COLUMNS])
    book.save(path)
    return path


def upload(page, path):
    page.goto(f"{page.live_server_url}/admin/member-imports/new/")
    assert_no_stack_trace(page)
    choose(page, "organization", ASSOCIATION)
    page.locator("input[type='file'][name='file']").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("main form[method='post'][enctype] button[type='submit']").click()
    assert_no_stack_trace(page)
    page.wait_for_selector("[data-import-status]")


def test_editor_imports_a_member_file_with_two_bad_rows(page, screenshot, tmp_path):
    province = make_org(
        national_root(), code="dong_thap", kind=OrgKind.PROVINCIAL_UNION,
        name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp",
    )  # fmt: skip
    association = make_association(province, ASSOCIATION, code="dt_vn_cpc").organization
    editor = UserFactory(username="bientap.dongthap")
    RoleFactory(user=editor, organization=province, role=RoleKind.EDITOR, personal_data=True)
    page.goto(f"{page.live_server_url}/admin/login/")
    log_in(page, "bientap.dongthap", "pw")

    upload(
        page,
        member_file(tmp_path / "hoi-vien.xlsx", [*GOOD[:2], BAD[0], GOOD[2], BAD[1]], "dt_vn_cpc"),
    )
    problems = page.locator("table.listing tbody tr")
    problems.first.wait_for()
    texts = problems.all_inner_texts()
    screenshot("loi-theo-dong")
    assert len(texts) == 2, texts
    assert texts[0].startswith("4") and "Điện thoại" in texts[0] and "12345" in texts[0]
    assert texts[1].startswith("6") and "Ngày vào hội" in texts[1] and "31/02/2022" in texts[1]
    assert not Person.objects.exists() and not Membership.objects.exists()

    # The corrected file imports whole.
    upload(page, member_file(tmp_path / "hoi-vien-da-sua.xlsx", [*GOOD, *FIXED], "dt_vn_cpc"))
    screenshot("tep-da-sua")
    assert page.locator("table.listing tbody tr").count() == 0
    with page.expect_navigation():
        page.locator("form:has(input[name='mode'][value='all']) button").click()
    page.wait_for_function("!document.querySelector('#import-progress')")
    assert_no_stack_trace(page)
    screenshot("da-nhap")
    assert Membership.objects.filter(organization=association).count() == 5
    tam = Person.objects.get(given_name="Tâm")
    assert tam.memberships.get().joined_on == datetime.date(2020, 2, 1)

    page.goto(f"{page.live_server_url}/admin/memberships/")
    listing = page.locator("main").inner_text()
    for given in ("Mai", "Hùng", "Hà", "Tâm", "Lan"):
        assert given in listing
    screenshot("danh-sach-hoi-vien")
    assert page.js_errors == []
