"""Part 3, as an association secretary lives it: they read their association's member count,
add a new person and admit them as a member, and see the figure go up by one."""

import datetime

import pytest

from huunghi.network.models import Membership
from huunghi.network.tests.factories import make_association, make_membership
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import RoleFactory, UserFactory, make_org, national_root
from tests.browser.test_part1_journey import assert_no_stack_trace, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

ASSOCIATION = "Hội hữu nghị Việt Nam – Lào tỉnh Đồng Tháp"


def choose(page, field, text):
    """Pick ``text`` in the Wagtail chooser (or the drop-down) of form field ``field``."""
    select = page.locator(f"select#id_{field}")
    if select.count():
        select.select_option(label=text)
        return
    wrapper = page.locator(f"[data-field-wrapper]:has(#id_{field})")
    wrapper.locator("button.chooser__choose-button").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("link", name=text).first.click()
    page.wait_for_function(f"document.getElementById('id_{field}').value !== ''")


def member_figure(page):
    page.goto(f"{page.live_server_url}/admin/network/figures/")
    assert_no_stack_trace(page)
    return int(page.locator("[data-figure='members']").inner_text())


def test_secretary_adds_a_member_and_sees_the_figure_change(page, screenshot):
    dong_thap = make_org(
        national_root(), code="dong_thap", kind=OrgKind.PROVINCIAL_UNION,
        name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp",
    )  # fmt: skip
    association = make_association(dong_thap, ASSOCIATION).organization
    for year in (2015, 2019, 2023):
        make_membership(association, joined_on=datetime.date(year, 3, 1))
    secretary = UserFactory(username="thuky.vn-lao", first_name="Hoa", last_name="Trần Thị")
    RoleFactory(user=secretary, organization=association, role=RoleKind.EDITOR, personal_data=True)
    base = page.live_server_url

    page.goto(f"{base}/admin/login/")
    log_in(page, "thuky.vn-lao", "pw")
    assert member_figure(page) == 3
    assert ASSOCIATION in page.locator("main").inner_text()
    screenshot("so-lieu-truoc")

    # A new person, kept by the association.
    page.goto(f"{base}/admin/persons/new/")
    choose(page, "organization", ASSOCIATION)
    page.locator("#id_family_name").fill("Lê")
    page.locator("#id_middle_name").fill("Thị")
    page.locator("#id_given_name").fill("Ánh")
    page.locator("#id_gender").select_option("female")
    page.locator("#id_phone").fill("0912 345 678")
    screenshot("them-ca-nhan")
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").first.click()
    assert_no_stack_trace(page)
    screenshot("da-them-ca-nhan")
    assert page.url.rstrip("/").endswith("/admin/persons"), page.url

    # Admitted as a member today.
    page.goto(f"{base}/admin/memberships/new/")
    choose(page, "organization", ASSOCIATION)
    page.locator("#id_kind").select_option("individual")
    choose(page, "person", "Lê Thị Ánh")
    today = datetime.date.today()
    page.locator("#id_joined_on").fill(today.strftime("%d/%m/%Y"))
    page.keyboard.press("Escape")
    page.locator("#id_card_number").fill("VNL-0004")
    screenshot("them-hoi-vien")
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").first.click()
    assert_no_stack_trace(page)
    assert Membership.objects.filter(card_number="VNL-0004", person__given_name="Ánh").exists()
    assert "Lê Thị Ánh" in page.locator("main").inner_text()
    screenshot("danh-sach-hoi-vien")

    assert member_figure(page) == 4
    screenshot("so-lieu-sau")
    assert page.js_errors == []
