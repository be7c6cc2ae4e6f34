"""The aid figures (huunghi.aid.figures): each definition of docs/aid-figures.md, the scope
rule, the missing-rate warning, the query counts, the figures page and the dashboard panel."""

import datetime
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.http import Http404
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huunghi.aid.choices import ActivityStatus, TransactionKind
from huunghi.aid.figures import (
    Period,
    aid_breakdown,
    aid_figures,
    aid_totals,
    change_percent,
    share_percent,
    unweigh,
)
from huunghi.aid.tests.factories import (
    AidTransactionFactory,
    ExchangeRateFactory,
    aid_form,
    make_activity,
    province,
)
from huunghi.orgs import visibility
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import Cluster, ClusterCoordinator, ClusterMembership
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.partners.tests.factories import PartnerFactory
from huunghi.places.models import AdministrativeUnit, CodeSystem, Country, UnitLevel

D = datetime.date
H1_2026 = Period.half(2026, 1)
C, DISB, EXP = TransactionKind.COMMITMENT, TransactionKind.DISBURSEMENT, TransactionKind.EXPENDITURE


def tx(activity, on, amount, currency="VND", kind=C, provider=None, **fields):
    return AidTransactionFactory(
        activity=activity,
        date=on,
        amount=Decimal(amount),
        currency=currency,
        kind=kind,
        provider=provider or activity.donors.first().partner,
        **fields,
    )


def old_commune(old_province_codename):
    """A commune of before 1 July 2025 in the old province (its parent is a district)."""
    return AdministrativeUnit.objects.filter(
        code_system=CodeSystem.GSO_PRE_2025,
        level=UnitLevel.COMMUNE,
        parent__parent__codename=old_province_codename,
        parent__parent__code_system=CodeSystem.GSO_PRE_2025,
    ).first()


def commune_of(province_codename):
    return AdministrativeUnit.objects.filter(
        code_system=CodeSystem.GSO_2025, level=UnitLevel.COMMUNE, parent__codename=province_codename
    ).first()


def fresh(user):
    visibility.clear_cache(user)
    visibility.user_grants(user)  # read once, as within one request
    return user


class PeriodTests(SimpleTestCase):
    def test_labels_and_boundaries(self):
        cases = [
            (Period.year(2026), D(2026, 1, 1), D(2026, 12, 31), "Năm 2026", "2026"),
            (
                Period.half(2026, 1),
                D(2026, 1, 1),
                D(2026, 6, 30),
                "6 tháng đầu năm 2026",
                "2026-H1",
            ),
            (
                Period.half(2026, 2),
                D(2026, 7, 1),
                D(2026, 12, 31),
                "6 tháng cuối năm 2026",
                "2026-H2",
            ),
            (Period.quarter(2026, 1), D(2026, 1, 1), D(2026, 3, 31), "Quý I/2026", "2026-Q1"),
            (Period.quarter(2026, 2), D(2026, 4, 1), D(2026, 6, 30), "Quý II/2026", "2026-Q2"),
            (Period.quarter(2024, 4), D(2024, 10, 1), D(2024, 12, 31), "Quý IV/2024", "2024-Q4"),
            (
                Period.range(D(2026, 3, 1), D(2026, 5, 15)),
                D(2026, 3, 1),
                D(2026, 5, 15),
                "01/03/2026 – 15/05/2026",
                "2026-03-01..2026-05-15",
            ),
        ]
        for period, start, end, label, code in cases:
            with self.subTest(label):
                self.assertEqual((period.start, period.end, period.label), (start, end, label))
                self.assertEqual(period.code, code)
                self.assertEqual(Period.from_code(code), period)

    def test_current_half(self):
        self.assertEqual(Period.current_half(D(2026, 6, 30)), Period.half(2026, 1))
        self.assertEqual(Period.current_half(D(2026, 7, 1)), Period.half(2026, 2))

    def test_year_earlier_is_the_same_dates_a_year_before(self):
        self.assertEqual(Period.half(2024, 1).year_earlier(), Period.half(2023, 1))
        self.assertEqual(Period.quarter(2026, 2).year_earlier().label, "Quý II/2025")
        self.assertEqual(Period.year(2026).year_earlier().label, "Năm 2025")
        earlier = Period.range(D(2026, 3, 1), D(2026, 5, 15)).year_earlier()
        self.assertEqual((earlier.start, earlier.end), (D(2025, 3, 1), D(2025, 5, 15)))

    def test_29_february_becomes_28_february(self):
        earlier = Period.range(D(2028, 2, 1), D(2028, 2, 29)).year_earlier()
        self.assertEqual((earlier.start, earlier.end), (D(2027, 2, 1), D(2027, 2, 28)))
        self.assertEqual(earlier.label, "01/02/2027 – 28/02/2027")
        leap = Period.range(D(2028, 2, 29), D(2028, 3, 31)).year_earlier()
        self.assertEqual((leap.start, leap.end), (D(2027, 2, 28), D(2027, 3, 31)))

    def test_bad_periods_are_refused(self):
        for code in ("", "2026-H3", "2026-Q5", "abc", "2026-06-01..2026-05-01"):
            with self.subTest(code), self.assertRaises(ValueError):
                Period.from_code(code)

    def test_change_percent(self):
        self.assertEqual(change_percent(78_000_000_000, 72_200_000_000), Decimal("8.0"))
        self.assertEqual(change_percent(90, 100), Decimal("-10.0"))
        self.assertEqual(change_percent(2, 3), Decimal("-33.3"))
        self.assertEqual(change_percent(1_0005, 1_0000), Decimal("0.1"))  # 0.05 rounds up
        self.assertIsNone(change_percent(5, 0))

    def test_share_percent_and_unweigh(self):
        self.assertEqual(share_percent(1, 3), Decimal("33.3"))
        self.assertIsNone(share_percent(1, 0))
        self.assertEqual(unweigh(15_000), 2)  # 1.5 đồng rounds half up
        self.assertEqual(unweigh(14_999), 1)
        self.assertEqual(unweigh(-15_000), -2)
        self.assertEqual(unweigh(None), 0)


class FiguresTests(TestCase):
    """Three provinces; A has a closed union and an association under it. In the first half
    of 2026 A's counted commitments are (worked out in docs/aid-figures.md):

    - a1 (approved, health, Đồng Tháp, mobilised by A): 1.000.000.000 đ on 01/01 and
      USD 10.000 × 25.000 on 30/06 = 250.000.000 đ → 1.250.000.000 đ;
    - a2 (implementing, health/education/environment 33,34/33,33/33,33 %, 60 % an old Tiền
      Giang commune, 40 % a Vĩnh Long commune, mobilised by A's association):
      1.000.000.005 đ + EUR 1.000 credited as 27.500.000 đ → 1.027.500.005 đ; EUR 5.000
      with no rate is left out and reported;
    - a3 (completed, closed union under A, no sector nor place, no mobiliser): 300.000.000 đ.

    Total 2.577.500.005 đ; a year earlier 480.000.000 đ (USD 20.000 × 24.000).
    """

    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.a = make_org(root, code="fa", kind=OrgKind.PROVINCIAL_UNION, name_vi="Liên hiệp A")
        cls.a_assoc = make_org(cls.a, code="fa_assoc", kind=OrgKind.ASSOCIATION, name_vi="Hội A")
        cls.a_old = make_org(
            cls.a,
            code="fa_old",
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi="Liên hiệp A cũ",
            valid_to=D(2025, 6, 30),
        )
        cls.b = make_org(root, code="fb", kind=OrgKind.PROVINCIAL_UNION, name_vi="Liên hiệp B")
        cls.c = make_org(root, code="fc", kind=OrgKind.PROVINCIAL_UNION, name_vi="Liên hiệp C")
        cls.a_user = UserFactory(username="fig_a")
        make_role(cls.a_user, cls.a, RoleKind.VIEWER)
        cls.b_user = UserFactory(username="fig_b")
        make_role(cls.b_user, cls.b, RoleKind.EDITOR)
        cls.national = UserFactory(username="fig_national")
        make_role(cls.national, root, RoleKind.VIEWER)
        cls.coordinator = UserFactory(username="fig_coordinator")
        cls.cluster = Cluster.objects.create(number=19, name_vi="Cụm số 19")
        for member in (cls.a, cls.b):
            ClusterMembership.objects.create(cluster=cls.cluster, organization=member)
        ClusterCoordinator.objects.create(cluster=cls.cluster, user=cls.coordinator)

        cls.us = PartnerFactory(name="US Friends", country=Country.objects.get(code="US"))
        cls.de = PartnerFactory(name="DE Freunde", country=Country.objects.get(code="DE"))
        cls.anon = PartnerFactory(name="Không rõ nước", country=None)
        ExchangeRateFactory(currency="USD", date=D(2025, 1, 1), rate=Decimal("24000"))
        ExchangeRateFactory(currency="USD", date=D(2026, 1, 1), rate=Decimal("25000"))

        cls.dong_thap, cls.vinh_long = province("dong_thap"), province("vinh_long")
        cls.tien_giang_commune = old_commune("tien_giang")
        cls.vinh_long_commune = commune_of("vinh_long")

        a1 = cls.a1 = make_activity(
            organization=cls.a,
            status=ActivityStatus.APPROVED,
            donors=[cls.us, cls.de],
            locations=[cls.dong_thap],
            mobilised_by=cls.a,
        )
        tx(a1, D(2026, 1, 1), 1_000_000_000, provider=cls.us)  # first day: counts
        tx(a1, D(2026, 6, 30), 10_000, "USD", provider=cls.us)  # last day: counts
        tx(a1, D(2025, 12, 31), 900_000_000, provider=cls.us)  # day before: does not
        tx(a1, D(2026, 7, 1), 800_000_000, provider=cls.us)  # day after: does not
        tx(a1, D(2026, 3, 1), 400_000_000, kind=DISB, provider=cls.de)
        tx(a1, D(2026, 3, 2), 123, kind=EXP, provider=cls.de)  # expenditure: neither
        tx(a1, D(2025, 3, 15), 20_000, "USD", provider=cls.us)  # a year earlier
        tx(a1, D(2025, 6, 30), 100_000_000, kind=DISB, provider=cls.de)  # a year earlier

        a2 = cls.a2 = make_activity(
            organization=cls.a,
            status=ActivityStatus.IMPLEMENTING,
            form=aid_form("non_project"),
            donors=[cls.de],
            sectors=(("health", "33.34"), ("education", "33.33"), ("environment", "33.33")),
            locations=[(cls.tien_giang_commune, 60), (cls.vinh_long_commune, 40)],
            mobilised_by=cls.a_assoc,
        )
        tx(a2, D(2026, 2, 10), 1_000_000_005)
        cls.missing = tx(a2, D(2026, 4, 1), 5_000, "EUR")  # no EUR rate: left out
        tx(a2, D(2026, 5, 1), 1_000, "EUR", vnd_credited=27_500_000)

        a3 = make_activity(
            organization=cls.a_old, status=ActivityStatus.COMPLETED, donors=[cls.anon], sectors=()
        )
        tx(a3, D(2026, 5, 20), 300_000_000)

        for status in (
            ActivityStatus.DRAFT,
            ActivityStatus.SUBMITTED,
            ActivityStatus.RETURNED,
            ActivityStatus.CANCELLED,
        ):
            uncounted = make_activity(organization=cls.a, status=status, donors=[cls.us])
            tx(uncounted, D(2026, 2, 1), 7_000_000_000)
            tx(uncounted, D(2026, 2, 1), 7_000_000_000, kind=DISB)
            tx(uncounted, D(2026, 2, 1), 5, "EUR")  # its missing rate is no concern
        trashed = make_activity(organization=cls.a, donors=[cls.us])
        tx(trashed, D(2026, 2, 1), 3_000_000_000)
        trashed.delete()

        b1 = make_activity(
            organization=cls.b, donors=[cls.us], locations=[cls.vinh_long], mobilised_by=cls.b
        )
        tx(b1, D(2026, 3, 1), 2_000_000_000)
        tx(b1, D(2025, 3, 1), 1_000_000_000)
        tx(b1, D(2026, 3, 1), 500_000_000, kind=DISB)
        tx(b1, D(2026, 3, 2), 1_000_000, "JPY")  # no JPY rate: B's warning only

        c1 = make_activity(organization=cls.c, donors=[cls.us])
        tx(c1, D(2026, 3, 1), 9_000_000_000)

    def totals(self, user, period=H1_2026, **kwargs):
        return aid_totals(actor=fresh(user), period=period, **kwargs)

    def breakdown(self, by, user=None, period=H1_2026, **kwargs):
        rows = aid_breakdown(actor=fresh(user or self.a_user), period=period, by=by, **kwargs)
        return {
            (str(r.label) if r.key is not None else None): (
                r.mobilised,
                r.disbursed,
                r.mobilised_earlier,
            )
            for r in rows
        }

    # -- totals -----------------------------------------------------------------------

    def test_mobilised_and_disbursed(self):
        totals = self.totals(self.a_user)
        self.assertEqual(totals.scope.root, self.a)
        self.assertEqual(totals.mobilised, 2_577_500_005)
        self.assertEqual(totals.disbursed, 400_000_000)

    def test_year_earlier_and_change(self):
        totals = self.totals(self.a_user)
        self.assertEqual(totals.earlier, Period.half(2025, 1))
        self.assertEqual(totals.mobilised_earlier, 480_000_000)
        self.assertEqual(totals.disbursed_earlier, 100_000_000)
        self.assertEqual(totals.mobilised_change, Decimal("437.0"))
        self.assertEqual(totals.disbursed_change, Decimal("300.0"))

    def test_no_earlier_figure_gives_no_change(self):
        totals = self.totals(self.a_user, period=Period.quarter(2026, 2))
        self.assertEqual(totals.mobilised, 250_000_000 + 27_500_000 + 300_000_000)
        self.assertEqual(totals.mobilised_earlier, 0)
        self.assertIsNone(totals.mobilised_change)

    def test_period_boundaries_are_inclusive(self):
        first_day = self.totals(self.a_user, period=Period.range(D(2026, 1, 1), D(2026, 1, 1)))
        last_day = self.totals(self.a_user, period=Period.range(D(2026, 6, 30), D(2026, 6, 30)))
        self.assertEqual(first_day.mobilised, 1_000_000_000)
        self.assertEqual(last_day.mobilised, 250_000_000)

    def test_leap_day_compares_with_28_february(self):
        d = make_org(national_root(), code="fd", kind=OrgKind.PROVINCIAL_UNION)
        activity = make_activity(organization=d, donors=[self.us])
        tx(activity, D(2027, 2, 28), 11)
        tx(activity, D(2027, 3, 1), 13)
        tx(activity, D(2028, 2, 29), 17)
        totals = self.totals(
            self.national, period=Period.range(D(2028, 2, 1), D(2028, 2, 29)), root=d
        )
        self.assertEqual((totals.mobilised, totals.mobilised_earlier), (17, 11))
        self.assertEqual(totals.mobilised_change, Decimal("54.5"))

    def test_status_exclusion(self):
        # drafts, submitted, returned and cancelled activities and the trashed one add
        # 7.000.000.000 đ each way four times and 3.000.000.000 đ: none of it shows
        totals = self.totals(self.a_user)
        self.assertLess(totals.mobilised, 7_000_000_000)
        self.assertEqual(totals.disbursed, 400_000_000)

    def test_own_share(self):
        totals = self.totals(self.a_user)
        self.assertEqual(totals.own_mobilised, 1_250_000_000)
        self.assertEqual(totals.own_share, Decimal("48.5"))
        self.assertEqual(totals.own_mobilised_earlier, 480_000_000)
        # a subtree counts the activities it owns: A's association owns none, it mobilised
        # a2 for A (the mobiliser breakdown shows it)
        association = self.totals(self.a_user, root=self.a_assoc)
        self.assertEqual((association.mobilised, association.own_mobilised), (0, 0))
        self.assertIsNone(association.own_share)

    # -- missing rates ------------------------------------------------------------------

    def test_missing_rate_excluded_and_reported(self):
        totals = self.totals(self.a_user)
        self.assertEqual(totals.missing.count, 1)
        self.assertEqual(totals.missing.count_earlier, 0)
        self.assertEqual(totals.missing.currencies, [("EUR", 1)])
        self.assertEqual([t.pk for t in totals.missing.transactions], [self.missing.pk])
        # counted as nothing, not as zero: the total is that of the valued transactions
        self.assertEqual(totals.mobilised, 2_577_500_005)

    def test_once_the_rate_is_entered_it_counts(self):
        ExchangeRateFactory(currency="EUR", date=D(2026, 1, 1), rate=Decimal("27000"))
        self.missing.save()  # as the recomputation does
        totals = self.totals(self.a_user)
        self.assertEqual(totals.mobilised, 2_577_500_005 + 135_000_000)
        self.assertEqual(totals.missing.count, 0)

    # -- scope --------------------------------------------------------------------------

    def test_province_a_never_gets_bs_amounts(self):
        totals = self.totals(self.a_user)
        self.assertEqual(totals.missing.currencies, [("EUR", 1)])  # not B's JPY
        with self.assertRaises(Http404):
            self.totals(self.a_user, root=self.b)
        with self.assertRaises(Http404):
            self.totals(self.a_user, cluster=self.cluster)
        amounts = [v for row in self.breakdown("province").values() for v in row]
        self.assertNotIn(2_000_000_000, amounts)
        b = self.totals(self.b_user)
        self.assertEqual(
            (b.mobilised, b.disbursed, b.mobilised_earlier),
            (2_000_000_000, 500_000_000, 1_000_000_000),
        )
        self.assertEqual(b.missing.currencies, [("JPY", 1)])

    def test_national_sees_every_province(self):
        totals = self.totals(self.national)
        self.assertEqual(totals.scope.root, national_root())
        self.assertEqual(totals.mobilised, 2_577_500_005 + 2_000_000_000 + 9_000_000_000)
        self.assertEqual(totals.missing.currencies, [("EUR", 1), ("JPY", 1)])
        self.assertEqual(self.totals(self.national, root=self.a).mobilised, 2_577_500_005)
        self.assertEqual(self.totals(self.national, root=self.a_old).mobilised, 300_000_000)

    def test_cluster_coordinator_sees_figures_not_records(self):
        cluster = self.totals(self.coordinator, cluster=self.cluster)
        self.assertEqual(cluster.mobilised, 2_577_500_005 + 2_000_000_000)
        self.assertEqual(cluster.mobilised_earlier, 480_000_000 + 1_000_000_000)
        self.assertEqual(cluster.mobilised_change, Decimal("209.3"))
        self.assertEqual(cluster.missing.total, 2)
        self.assertEqual(cluster.missing.transactions, [])  # records stay hidden
        self.assertFalse(cluster.missing.listed)
        member = self.totals(self.coordinator, root=self.a)
        self.assertEqual(member.mobilised, 2_577_500_005)
        with self.assertRaises(Http404):
            self.totals(self.coordinator, root=self.c)
        with self.assertRaises(Http404):
            self.totals(self.coordinator)  # no role: no scope of records

    # -- breakdowns ---------------------------------------------------------------------

    def test_by_sector_with_remainders(self):
        # health: 1.250.000.000 × 10000 + 1.027.500.005 × 3334 = 15.925.685.016.670
        #         ÷ 10000 = 1.592.568.501,667 → 1.592.568.502
        # education and environment: 1.027.500.005 × 3333 ÷ 10000 = 342.465.751,6665
        #         → 342.465.752 each
        self.assertEqual(
            self.breakdown("sector"),
            {
                "Y tế": (1_592_568_502, 400_000_000, 480_000_000),
                "Giáo dục": (342_465_752, 0, 0),
                "Môi trường": (342_465_752, 0, 0),
                None: (300_000_000, 0, 0),
            },
        )

    def test_by_province_rolls_old_units_up_to_today(self):
        # the old Tiền Giang commune counts for today's Đồng Tháp:
        # Đồng Tháp 1.250.000.000 × 10000 + 1.027.500.005 × 6000 → 1.866.500.003
        # Vĩnh Long 1.027.500.005 × 4000 ÷ 10000 = 411.000.002
        self.assertEqual(
            self.breakdown("province"),
            {
                "Đồng Tháp": (1_866_500_003, 400_000_000, 480_000_000),
                "Vĩnh Long": (411_000_002, 0, 0),
                None: (300_000_000, 0, 0),
            },
        )
        units = aid_breakdown(actor=fresh(self.a_user), period=H1_2026, by="unit")
        by_unit = {r.key: (r.mobilised, r.detail) for r in units}
        self.assertEqual(by_unit[self.tien_giang_commune.pk], (616_500_003, "Đồng Tháp"))
        self.assertEqual(by_unit[self.vinh_long_commune.pk], (411_000_002, "Vĩnh Long"))
        self.assertEqual(by_unit[self.dong_thap.pk], (1_250_000_000, "Đồng Tháp"))

    def test_by_donor_country_form_and_mobiliser(self):
        us, de = Country.objects.get(code="US").name_vi, Country.objects.get(code="DE").name_vi
        self.assertEqual(
            self.breakdown("country"),
            {
                us: (1_250_000_000, 0, 480_000_000),
                de: (1_027_500_005, 400_000_000, 0),
                None: (300_000_000, 0, 0),
            },
        )
        self.assertEqual(
            self.breakdown("form"),
            {
                "Dự án": (1_550_000_000, 400_000_000, 480_000_000),
                "Phi dự án": (1_027_500_005, 0, 0),
            },
        )
        self.assertEqual(
            self.breakdown("mobiliser"),
            {
                "Liên hiệp A": (1_250_000_000, 400_000_000, 480_000_000),
                "Hội A": (1_027_500_005, 0, 0),
                None: (300_000_000, 0, 0),
            },
        )

    def test_rows_are_ordered_largest_first_with_their_share(self):
        rows = aid_breakdown(
            actor=fresh(self.a_user), period=H1_2026, by="mobiliser", total=2_577_500_005
        )
        self.assertEqual([r.mobilised for r in rows], [1_250_000_000, 1_027_500_005, 300_000_000])
        self.assertEqual(
            [r.share for r in rows], [Decimal("48.5"), Decimal("39.9"), Decimal("11.6")]
        )

    # -- query counts -------------------------------------------------------------------

    def test_query_counts_do_not_grow_with_the_rows(self):
        # scope check 1, totals 1, missing currencies 1 and list 1, six breakdowns
        user = fresh(self.a_user)
        with self.assertNumQueries(10):
            aid_figures(actor=user, period=H1_2026, root=self.a)
        with self.assertNumQueries(2):
            aid_totals(actor=user, period=Period.half(2025, 2), root=self.a)  # nothing missing
        for n in range(20):
            activity = make_activity(
                organization=self.a_assoc,
                donors=[self.us],
                sectors=(("health", 50), ("education", 50)),
                locations=[self.dong_thap, self.vinh_long_commune],
                mobilised_by=self.a_assoc,
            )
            tx(activity, D(2026, 2, 1), 1_000 + n)
            tx(activity, D(2026, 2, 1), 5, "GBP")
        user = fresh(self.a_user)
        with self.assertNumQueries(10):
            figures = aid_figures(actor=user, period=H1_2026, root=self.a)
        self.assertEqual(figures.totals.missing.count, 21)
        with self.assertNumQueries(10):  # the role's organisation is read instead
            aid_figures(actor=user, period=H1_2026)


class FiguresPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.a = make_org(root, code="pa", kind=OrgKind.PROVINCIAL_UNION, name_vi="Liên hiệp PA")
        cls.b = make_org(root, code="pb", kind=OrgKind.PROVINCIAL_UNION, name_vi="Liên hiệp PB")
        cls.user = UserFactory(username="page_a")
        make_role(cls.user, cls.a, RoleKind.EDITOR)
        cls.coordinator = UserFactory(username="page_coordinator")
        cluster = Cluster.objects.create(number=18, name_vi="Cụm số 18")
        ClusterMembership.objects.create(cluster=cluster, organization=cls.a)
        ClusterCoordinator.objects.create(cluster=cluster, user=cls.coordinator)
        cls.cluster = cluster
        donor = PartnerFactory()
        cls.period = Period.current_half()
        start = cls.period.start
        activity = make_activity(
            organization=cls.a,
            donors=[donor],
            mobilised_by=cls.a,
            planned_start=start,
            planned_end=cls.period.end,
        )
        tx(activity, start, 1_250_000_000)
        tx(activity, start, 78_400_000_000)
        tx(activity, start, 200_000_000, kind=DISB)
        tx(activity, start, 10, "CHF")
        tx(activity, start.replace(year=start.year - 1), 1_000_000_000)
        other = make_activity(organization=cls.b, donors=[donor])
        tx(other, start, 5_000_000_000)

    def test_page_shows_totals_breakdowns_and_warning(self):
        self.client.force_login(self.user)
        response = self.client.get(reverse("aid_figures"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["figures"].root, self.a)
        self.assertEqual(response.context["figures"].totals.mobilised, 79_650_000_000)
        self.assertContains(response, "79,7 tỷ đồng")
        self.assertContains(response, "79.650.000.000 đ")
        self.assertContains(response, 'data-figure="mobilised" data-vnd="79650000000"')
        self.assertContains(response, "+7.865,0%")
        self.assertContains(response, 'data-missing-rates="1"')
        self.assertContains(response, "CHF (1)")
        self.assertContains(response, self.period.label)
        for key in ("sector", "province", "country", "form", "mobiliser", "unit"):
            self.assertContains(response, f'data-breakdown="{key}"')

    def test_period_and_organisation_choice(self):
        self.client.force_login(self.user)
        url = reverse("aid_figures")
        response = self.client.get(
            url, {"period": str(self.period.start.year), "organization": self.a.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["figures"].period, Period.year(self.period.start.year))
        start = self.period.start
        response = self.client.get(
            url,
            {
                "period": "range",
                "start": start.strftime("%d/%m/%Y"),
                "end": start.strftime("%d/%m/%Y"),
            },
        )
        self.assertEqual(response.context["figures"].totals.mobilised, 79_650_000_000)
        self.assertEqual(self.client.get(url, {"organization": self.b.pk}).status_code, 404)
        own = self.client.get(url, {"organization": self.a.pk})  # the current half-year
        self.assertEqual(own.context["figures"].root, self.a)
        self.assertEqual(own.context["figures"].period, self.period)
        missing_end = self.client.get(url, {"period": "range", "start": "01/01/2026"})
        self.assertEqual(missing_end.status_code, 200)
        self.assertIsNone(missing_end.context["figures"])
        self.assertContains(missing_end, "Nhập ngày kết thúc.")

    def test_a_coordinator_gets_the_clusters_figures_without_the_list(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("aid_figures"))
        self.assertEqual(response.status_code, 200)
        totals = response.context["figures"].totals
        self.assertEqual((totals.scope.cluster, totals.mobilised), (self.cluster, 79_650_000_000))
        self.assertContains(response, 'data-missing-rates="1"')
        self.assertNotContains(response, "data-missing-list")
        other = self.client.get(reverse("aid_figures"), {"organization": self.b.pk})
        self.assertEqual(other.status_code, 404)

    def test_page_query_count_does_not_grow_with_rows(self):
        self.client.force_login(self.user)
        url = reverse("aid_figures")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        donor = PartnerFactory()
        for n in range(10):
            activity = make_activity(
                organization=self.a,
                donors=[donor],
                locations=[province("an_giang")],
                sectors=(("education", 100),),
                mobilised_by=self.a,
            )
            tx(activity, self.period.start, 1_000 + n)
            tx(activity, self.period.start, 5, "NOK")
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(many), len(few))

    def test_long_breakdowns_end_with_one_line_for_the_rest(self):
        self.client.force_login(self.user)
        with mock.patch("huunghi.aid.admin.figures.ROWS_SHOWN", 0):
            response = self.client.get(reverse("aid_figures"))
        self.assertContains(response, 'data-rest="1"')
        self.assertContains(response, 'data-vnd="79650000000"')

    def test_dashboard_panel_of_a_coordinator_shows_the_cluster(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Cụm số 18")
        self.assertContains(response, 'data-figure="mobilised" data-vnd="79650000000"')

    def test_dashboard_panel(self):
        self.client.force_login(self.user)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-panel="aid-figures"')
        self.assertContains(response, 'data-figure="mobilised" data-vnd="79650000000"')
        self.assertContains(response, 'data-figure="disbursed" data-vnd="200000000"')
        self.assertContains(response, "79.650.000.000 đ")
        self.assertContains(response, "+7.865,0%")
        self.assertContains(response, 'data-missing-rates="1"')
        self.assertNotContains(response, "5.000.000.000 đ")  # B's
