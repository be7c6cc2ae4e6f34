"""Part 3: an editor finds a person entered twice (once with and once without diacritics),
compares the two records, merges them, sees the membership moved, and can undo."""

import datetime

import pytest

from huunghi.network.tests.factories import make_association, make_membership
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import RoleFactory, UserFactory, make_org, national_root
from huunghi.people.models import Person, PersonMerge
from tests.browser.test_part1_journey import assert_no_stack_trace, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_duplicate_person_found_and_merged(page, screenshot):
    province = make_org(
        national_root(), code="dong_thap", kind=OrgKind.PROVINCIAL_UNION,
        name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp",
    )  # fmt: skip
    association = make_association(province, "Hội hữu nghị Việt Nam – Nhật Bản").organization
    born = datetime.date(1968, 4, 2)
    kept = Person.objects.create(
        organization=province, family_name="Phạm", middle_name="Văn", given_name="Đức",
        date_of_birth=born, phone="0903 111 222",
    )  # fmt: skip
    twin = Person.objects.create(
        organization=province, family_name="PHAM", middle_name="van", given_name="Duc",
        date_of_birth=born, occupation="Kỹ sư",
    )  # fmt: skip
    make_membership(association, person=twin, joined_on=datetime.date(2012, 5, 1))
    editor = UserFactory(username="bientap.dongthap")
    RoleFactory(user=editor, organization=province, role=RoleKind.EDITOR, personal_data=True)
    base = page.live_server_url

    page.goto(f"{base}/admin/login/")
    log_in(page, "bientap.dongthap", "pw")

    # The list of possible duplicates pairs the two records.
    page.goto(f"{base}/admin/people/duplicates/")
    assert_no_stack_trace(page)
    pair = page.locator("[data-duplicate-groups] tbody tr")
    assert pair.count() == 1
    assert "Phạm Văn Đức" in pair.inner_text() and "PHAM van Duc" in pair.inner_text()
    screenshot("danh-sach-trung-lap")

    # The preview says what moves before anything is written.
    with page.expect_navigation():
        pair.locator("a.button").click()
    assert_no_stack_trace(page)
    moving = page.locator("[data-merge-relations] [data-moving]").all_inner_texts()
    assert "1" in moving  # the membership of the twin
    assert Person.objects.filter(pk=twin.pk, deleted_at__isnull=True).exists()
    screenshot("xem-truoc-hop-nhat")

    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").first.click()
    assert_no_stack_trace(page)
    screenshot("sau-hop-nhat")

    merge = PersonMerge.objects.get()
    survivor, gone = merge.kept, merge.merged
    assert {survivor.pk, gone.pk} == {kept.pk, twin.pk}
    assert survivor.memberships.count() == 1
    survivor.refresh_from_db()
    assert survivor.occupation == "Kỹ sư" and survivor.phone == "0903 111 222"
    assert Person.all_objects.get(pk=gone.pk).deleted_at is not None

    # Nothing is left to merge.
    page.goto(f"{base}/admin/people/duplicates/")
    assert page.locator("[data-duplicate-groups]").count() == 0
    screenshot("khong-con-trung-lap")
    assert page.js_errors == []
