import datetime

from django.http import Http404
from django.test import TestCase
from django.urls import reverse

from huunghi.network import selectors, services
from huunghi.network.choices import MemberStatus, PositionTitle
from huunghi.network.models import Membership, Position
from huunghi.network.tests.factories import make_association, make_chapter, make_membership
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.people.tests.factories import PersonFactory

D = datetime.date


class NetworkCountsTests(TestCase):
    """Figures at any date come from the dated records, including across a merger."""

    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="nc_dt", kind=OrgKind.PROVINCIAL_UNION)
        cls.old_province = make_org(cls.province, code="nc_tg", kind=OrgKind.PROVINCIAL_UNION)
        cls.other = make_org(root, code="nc_ag", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="nc_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR)
        cls.laos = make_association(
            cls.province, "Hội Việt – Lào Đồng Tháp", valid_from=D(1998, 5, 1)
        )
        cls.old_laos = make_association(
            cls.old_province, "Hội Việt – Lào Tiền Giang", valid_from=D(2001, 1, 1)
        )
        cls.chapter = make_chapter(cls.laos.organization, valid_from=D(2010, 1, 1))
        for year in (2000, 2005, 2019):
            make_membership(cls.laos.organization, joined_on=D(year, 3, 1))
        cls.in_chapter = make_membership(cls.chapter.organization, joined_on=D(2012, 6, 1))
        cls.old_members = [
            make_membership(cls.old_laos.organization, joined_on=D(2003, 1, 1)) for _ in range(3)
        ]
        cls.leaver = cls.old_members[0]
        services.membership_change_status(
            actor=cls.editor, membership=cls.leaver, status=MemberStatus.LEFT, on=D(2020, 1, 1)
        )
        cls.moved = services.association_merge(
            actor=cls.editor, predecessors=[cls.old_laos], successor=cls.laos, on=D(2025, 7, 1)
        )

    def counts(self, on, root=None):
        return selectors.network_counts(actor=self.editor, root=root or self.province, on=on)

    def test_counts_before_and_after_the_merger(self):
        self.assertEqual(self.moved, 2)  # the member who left in 2020 stays behind
        before = self.counts(D(2024, 12, 31))
        self.assertEqual((before["associations"], before["chapters"], before["members"]), (2, 1, 6))
        after = self.counts(D(2025, 7, 1))
        self.assertEqual((after["associations"], after["chapters"], after["members"]), (1, 1, 6))
        # the merged association alone, before and after
        old = self.counts(D(2024, 12, 31), root=self.old_laos.organization)
        self.assertEqual(old["members"], 2)
        self.assertEqual(self.counts(D(2025, 8, 1), root=self.old_laos.organization)["members"], 0)
        self.assertEqual(self.counts(D(2025, 8, 1), root=self.laos.organization)["members"], 6)

    def test_counts_at_past_dates(self):
        self.assertEqual(self.counts(D(1999, 1, 1))["associations"], 1)
        self.assertEqual(self.counts(D(2001, 1, 1))["members"], 1)
        c2015 = self.counts(D(2015, 1, 1))
        self.assertEqual((c2015["associations"], c2015["chapters"], c2015["members"]), (2, 1, 6))
        self.assertEqual(c2015["members_by_level"], {"provincial": 5, "chapter": 1})
        self.assertEqual(self.counts(D(2020, 1, 1))["members"], 6)  # 2019 joiner in, leaver out
        self.assertEqual(self.counts(D(2020, 1, 1))["members_by_status"], {"active": 6})

    def test_growth_per_year(self):
        rows = {
            r["year"]: r
            for r in selectors.network_growth(
                actor=self.editor, root=self.province, years=[2019, 2020, 2025]
            )["rows"]
        }
        self.assertEqual(rows[2019]["members"], 7)
        self.assertEqual(rows[2019]["joined"], 1)
        self.assertEqual(rows[2020]["members"], 6)
        self.assertEqual(rows[2025]["associations"], 1)
        self.assertEqual(rows[2025]["joined"], 0)  # transfers are not new members

    def test_outside_scope_is_404(self):
        with self.assertRaises(Http404):
            self.counts(D(2024, 1, 1), root=self.other)

    def test_figures_page(self):
        self.client.force_login(self.editor)
        url = reverse("network_figures")
        response = self.client.get(url, {"organization": self.province.pk, "on": "31/12/2024"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["counts"]["members"], 6)
        self.assertContains(response, "31/12/2024")
        self.assertEqual(self.client.get(url, {"organization": self.other.pk}).status_code, 404)


class StatusChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        province = make_org(national_root(), code="sc_p", kind=OrgKind.PROVINCIAL_UNION)
        cls.user = UserFactory(username="sc_editor")
        make_role(cls.user, province, RoleKind.EDITOR)
        cls.association = make_association(province)
        cls.member = make_membership(cls.association.organization, joined_on=D(2020, 1, 1))

    def test_periods_follow_each_other(self):
        services.membership_change_status(
            actor=self.user, membership=self.member, status=MemberStatus.SUSPENDED, on=D(2021, 1, 1)
        )
        services.membership_change_status(
            actor=self.user, membership=self.member, status=MemberStatus.ACTIVE, on=D(2022, 1, 1)
        )
        periods = list(self.member.periods.values_list("status", "valid_from", "valid_to"))
        self.assertEqual(
            periods,
            [
                ("active", D(2020, 1, 1), D(2021, 1, 1)),
                ("suspended", D(2021, 1, 1), D(2022, 1, 1)),
                ("active", D(2022, 1, 1), None),
            ],
        )
        self.member.refresh_from_db()
        self.assertEqual((self.member.status, self.member.status_since), ("active", D(2022, 1, 1)))

    def test_change_dated_before_current_status_refused(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            services.membership_change_status(
                actor=self.user, membership=self.member, status=MemberStatus.LEFT, on=D(2019, 1, 1)
            )
        self.assertEqual(self.member.periods.count(), 1)

    def test_outsider_cannot_change(self):
        from django.core.exceptions import PermissionDenied

        outsider = UserFactory(username="sc_outsider")
        with self.assertRaises(PermissionDenied):
            services.membership_change_status(
                actor=outsider, membership=self.member, status=MemberStatus.LEFT, on=D(2024, 1, 1)
            )


class LeadershipTests(TestCase):
    def test_who_led_on_a_date(self):
        province = make_org(national_root(), code="ld_p", kind=OrgKind.PROVINCIAL_UNION)
        user = UserFactory(username="ld_viewer")
        make_role(user, province, RoleKind.VIEWER)
        association = make_association(province).organization
        first, second = PersonFactory(organization=province), PersonFactory(organization=province)
        Position.objects.create(
            organization=association, person=first, title=PositionTitle.CHAIR,
            started_on=D(2016, 5, 1), ended_on=D(2021, 4, 30),
        )  # fmt: skip
        Position.objects.create(
            organization=association, person=second, title=PositionTitle.CHAIR,
            started_on=D(2021, 5, 1),
        )  # fmt: skip
        on_2018 = selectors.leaders_on(actor=user, organization=association, on=D(2018, 1, 1))
        self.assertEqual([p.person for p in on_2018], [first])
        on_2024 = selectors.leaders_on(actor=user, organization=association, on=D(2024, 1, 1))
        self.assertEqual([p.person for p in on_2024], [second])
        self.assertEqual(Membership.objects.count(), 0)
