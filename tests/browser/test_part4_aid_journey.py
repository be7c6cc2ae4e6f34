"""Part 4, as a provincial union lives it: an editor records an NGO project with commitments
in two currencies and three disbursements, submits it for the union's review; an approver of
another union can neither see nor approve it; the union's approver approves it, and the
half-year figure on the dashboard grows by exactly the project's commitments in đồng."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from huunghi.aid.choices import ActivityStatus, TransactionKind
from huunghi.aid.models import AidActivity, AidTransaction, ExchangeRate
from huunghi.aid.testing import ensure_reference_data
from huunghi.aid.tests.factories import AidTransactionFactory, make_activity
from huunghi.core.money import to_vnd
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import RoleFactory, UserFactory, make_org, national_root
from huunghi.partners.tests.factories import PartnerFactory
from tests.browser.test_part1_journey import assert_no_stack_trace, log_in
from tests.browser.test_part3_secretary_journey import choose

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TITLE = "Nước sạch cho trường tiểu học xã Tân Hồng"
USD_RATE = Decimal("25410")
EUR_RATE = Decimal("27350.5")


def half_start(today: datetime.date) -> datetime.date:
    return datetime.date(today.year, 1 if today.month <= 6 else 7, 1)


def mobilised(page) -> int:
    """The exact đồng figure of the dashboard's half-year panel."""
    page.goto(f"{page.live_server_url}/admin/")
    assert_no_stack_trace(page)
    return int(page.locator("[data-figure='mobilised']").first.get_attribute("data-vnd"))


def submit_form(page):
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").first.click()
    assert_no_stack_trace(page)


def add_transaction(page, activity, kind, on, amount, currency):
    page.goto(f"{page.live_server_url}/admin/aid/activities/inspect/{activity.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href$='?activity={activity.pk}']").first.click()
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_date").fill(on.strftime("%d/%m/%Y"))
    page.keyboard.press("Escape")
    page.locator("#id_amount").fill(amount)
    page.locator("#id_currency").fill(currency)
    page.locator("#id_provider").select_option(index=1)
    submit_form(page)


def test_editor_records_an_ngo_project_and_the_approver_approves_it(page, screenshot):
    ensure_reference_data()
    today = timezone.localdate()
    start = half_start(today)
    root = national_root()
    dong_thap = make_org(
        root, code="dong_thap", kind=OrgKind.PROVINCIAL_UNION,
        name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp",
    )  # fmt: skip
    an_giang = make_org(
        root, code="an_giang", kind=OrgKind.PROVINCIAL_UNION,
        name_vi="Liên hiệp các tổ chức hữu nghị tỉnh An Giang",
    )  # fmt: skip
    editor = UserFactory(username="bientap.dongthap")
    RoleFactory(user=editor, organization=dong_thap, role=RoleKind.EDITOR)
    approver = UserFactory(username="pheduyet.dongthap")
    RoleFactory(user=approver, organization=dong_thap, role=RoleKind.APPROVER)
    stranger = UserFactory(username="pheduyet.angiang")
    RoleFactory(user=stranger, organization=an_giang, role=RoleKind.APPROVER)
    donor = PartnerFactory(name="Good Neighbors International", acronym="GNI")
    ExchangeRate.objects.create(currency="USD", date=start, rate=USD_RATE)
    ExchangeRate.objects.create(currency="EUR", date=start, rate=EUR_RATE)
    # An approved activity already counts this half-year: the figure does not start at zero.
    earlier = make_activity(organization=dong_thap, donors=[donor], status=ActivityStatus.APPROVED)
    AidTransactionFactory(activity=earlier, date=start, amount=Decimal("1500000000"))
    base = page.live_server_url

    page.goto(f"{base}/admin/login/")
    log_in(page, "bientap.dongthap", "pw")
    before = mobilised(page)
    assert before == 1_500_000_000
    screenshot("bang-dieu-khien-truoc")

    # The project, as a draft.
    page.goto(f"{base}/admin/aid/activities/add/")
    assert_no_stack_trace(page)
    choose(page, "organization", "Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp")
    page.locator("#id_form").select_option(label="Dự án")
    page.locator("#id_reference").fill("DT-2026-07")
    page.locator("#id_title_vi").fill(TITLE)
    page.locator("#id_title_en").fill("Clean water for Tan Hong primary school")
    page.locator("#id_planned_start").fill(start.strftime("%d/%m/%Y"))
    page.keyboard.press("Escape")
    page.locator("#id_planned_end").fill(datetime.date(today.year + 1, 12, 31).strftime("%d/%m/%Y"))
    page.keyboard.press("Escape")
    page.locator("#id_donors-ADD").click()
    choose(page, "donors-0-partner", str(donor))
    page.locator("#id_sectors-ADD").click()
    page.locator("#id_sectors-0-sector").select_option(label="Nước sạch và vệ sinh môi trường")
    page.locator("#id_sectors-0-share").fill("100")
    screenshot("nhap-khoan-vien-tro")
    submit_form(page)
    activity = AidActivity.objects.get(reference="DT-2026-07")
    assert activity.status == ActivityStatus.DRAFT

    # Two commitments in two currencies, three disbursements.
    on = min(today, start + datetime.timedelta(days=20))
    add_transaction(page, activity, TransactionKind.COMMITMENT, on, "40000", "USD")
    add_transaction(page, activity, TransactionKind.COMMITMENT, on, "12000,50", "EUR")
    for amount, currency in (("15000", "USD"), ("10000", "USD"), ("6000", "EUR")):
        add_transaction(page, activity, TransactionKind.DISBURSEMENT, on, amount, currency)
    assert AidTransaction.objects.filter(activity=activity).count() == 5
    expected = to_vnd(Decimal("40000"), USD_RATE) + to_vnd(Decimal("12000.50"), EUR_RATE)
    screenshot("giao-dich")
    # Not approved yet: the figure has not moved.
    assert mobilised(page) == before

    # Submitted for the union's review.
    page.goto(f"{base}/admin/aid/activities/edit/{activity.pk}/")
    page.locator("footer [data-w-dropdown-target='toggle']").click()
    with page.expect_navigation():
        page.locator("footer button[name='action-submit']").click()
    assert_no_stack_trace(page)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    screenshot("da-gui-duyet")

    # An approver of another union: the activity does not exist for them.
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    log_in(page, "pheduyet.angiang", "pw")
    response = page.goto(f"{base}/admin/aid/activities/edit/{activity.pk}/")
    assert response.status == 404
    screenshot("lien-hiep-khac-khong-thay")

    # The union's approver approves.
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    log_in(page, "pheduyet.dongthap", "pw")
    page.goto(f"{base}/admin/aid/activities/edit/{activity.pk}/")
    assert_no_stack_trace(page)
    screenshot("nguoi-phe-duyet-mo")
    page.locator("footer [data-w-dropdown-target='toggle']").click()
    approve = page.locator(
        "footer button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
    )
    with page.expect_navigation():
        approve.click()
    assert_no_stack_trace(page)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED, activity.status
    assert activity.live

    after = mobilised(page)
    screenshot("bang-dieu-khien-sau")
    assert after - before == expected
    assert page.js_errors == []
