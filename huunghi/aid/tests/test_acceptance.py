"""Acceptance: the half-year aid figures of the Mekong delta provinces of Cụm số 5,
written from the seed articles and reproduced to the last đồng.

The seed articles say: Cụm số 5's unions mobilised 78 billion đồng in the first six months
of 2024, 8% more than the same period of 2023; Trà Vinh mobilised 38,4 billion in the first
half of 2024; Đồng Tháp receives more than 20 billion a year of foreign NGO aid, of which
its union itself mobilised more than 6 billion. The records below are invented to match.
"""

import datetime
from decimal import Decimal

from django.http import Http404
from django.test import TestCase
from django.urls import reverse

from huunghi.aid.choices import ActivityStatus, TransactionKind
from huunghi.aid.figures import Period, aid_breakdown, aid_totals
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
H1_2024 = Period.half(2024, 1)
COMMIT, DISBURSE = TransactionKind.COMMITMENT, TransactionKind.DISBURSEMENT
MERGER = D(2025, 7, 1)
CLOSED = D(2025, 6, 30)


def old_commune(old_province):
    """A commune of before the merger in ``old_province`` (its parent is a district)."""
    return AdministrativeUnit.objects.filter(
        code_system=CodeSystem.GSO_PRE_2025,
        level=UnitLevel.COMMUNE,
        parent__parent__code_system=CodeSystem.GSO_PRE_2025,
        parent__parent__codename=old_province,
    ).order_by("code")[0]


def commune(today_province):
    return AdministrativeUnit.objects.filter(
        code_system=CodeSystem.GSO_2025, level=UnitLevel.COMMUNE, parent__codename=today_province
    ).order_by("code")[0]


def fresh(user):
    visibility.clear_cache(user)
    return user


class CumSo5HalfYearTests(TestCase):
    """The scenario, entered as records, with the figures worked out by hand.

    Organisations (today's tree; the unions closed on 30/06/2025 sit under their successors):

    | union                          | under           | Cụm số 5 today |
    |--------------------------------|-----------------|----------------|
    | LH Vĩnh Long                   | VUFO            | yes            |
    | LH Trà Vinh (closed)           | LH Vĩnh Long    | (via VL)       |
    | LH Đồng Tháp                   | VUFO            | yes            |
    | LH Tiền Giang (closed)         | LH Đồng Tháp    | (via ĐT)       |
    | Hội hữu nghị VN – Đức ĐT       | LH Đồng Tháp    | (via ĐT)       |
    | LH An Giang                    | VUFO            | yes            |
    | LH Kiên Giang (closed)         | LH An Giang     | (via AG)       |
    | LH Hà Nội                      | VUFO            | no             |

    Exchange rates (the latest on or before a transaction's date applies):
    USD 23.450 from 01/01/2023, 24.260 from 01/01/2024, 25.140 from 01/04/2024;
    EUR 25.200 from 01/01/2023, 26.830,5 from 01/01/2024; no AUD rate at all.

    Commitments of counted activities (approved or later), first half of 2024:

    | # | owner         | mobilised by  | date       | amount             | đồng (rounded half up)              |
    |---|---------------|---------------|------------|--------------------|-------------------------------------|
    | 1 | LH Trà Vinh   | LH Trà Vinh   | 15/02/2024 | USD 850.000        | × 24.260 = 20.621.000.000           |
    | 2 | LH Trà Vinh   | LH Trà Vinh   | 10/05/2024 | EUR 400.000,18     | × 26.830,5 = 10.732.204.829,49      |
    |   |               |               |            |                    |   → 10.732.204.829                  |
    | 3 | LH Trà Vinh   | LH Trà Vinh   | 30/06/2024 | VND 7.046.812.500  | 7.046.812.500 (last day: counts)    |
    | 4 | LH Đồng Tháp  | LH Đồng Tháp  | 20/04/2024 | USD 120.000        | × 25.140 = 3.016.800.000            |
    | 5 | LH Đồng Tháp  | Hội VN – Đức  | 05/03/2024 | EUR 150.000,25     | × 26.830,5 = 4.024.581.707,625      |
    |   |               |               |            |                    |   → 4.024.581.708                   |
    | 6 | LH Tiền Giang | LH Tiền Giang | 01/01/2024 | VND 3.500.000.000  | 3.500.000.000 (first day: counts)   |
    | 7 | LH Đồng Tháp  | LH Đồng Tháp  | 12/06/2024 | VND 150.000.000    | 150.000.000                         |
    | 8 | LH Kiên Giang | LH Kiên Giang | 18/01/2024 | USD 600.000        | × 24.260 = 14.556.000.000           |
    | 9 | LH An Giang   | LH An Giang   | 25/06/2024 | EUR 535.000,41     | × 26.830,5 = 14.354.328.500,505     |
    |   |               |               |            |                    |   → 14.354.328.501                  |
    |10 | LH An Giang   | LH An Giang   | 20/03/2024 | AUD 50.000         | no rate: left out, warned           |
    |11 | LH Hà Nội     | LH Hà Nội     | 01/03/2024 | VND 9.999.000.000  | outside Cụm số 5                    |

    Records that must not count in the first half of 2024:
    Trà Vinh USD 100.000 on 01/07/2024 (a day late) and VND 2.000.000.000 on 31/12/2023
    (a day early); a draft activity of Đồng Tháp, VND 5.000.000.000 on 15/03/2024; a
    cancelled activity of An Giang, EUR 200.000 on 15/02/2024; an expenditure of Trà Vinh,
    VND 777.000.000 on 01/03/2024; and disbursements, which are disbursed, not mobilised.

    Mobilised, first half of 2024:
      Trà Vinh   20.621.000.000 + 10.732.204.829 + 7.046.812.500               = 38.400.017.329
      Đồng Tháp  3.016.800.000 + 4.024.581.708 + 3.500.000.000 + 150.000.000   = 10.691.381.708
      An Giang   14.556.000.000 + 14.354.328.501                               = 28.910.328.501
      Cụm số 5   38.400.017.329 + 10.691.381.708 + 28.910.328.501              = 78.001.727.538
                 ("78,0 tỷ đồng"; Trà Vinh "38,4 tỷ đồng")
      National   78.001.727.538 + 9.999.000.000 (Hà Nội)                       = 88.000.727.538

    Commitments, first half of 2023 (the same dates a year earlier):

    | owner         | date       | amount              | đồng                                |
    |---------------|------------|---------------------|-------------------------------------|
    | LH Trà Vinh   | 15/03/2023 | USD 1.000.000       | × 23.450 = 23.450.000.000           |
    | LH Trà Vinh   | 30/06/2023 | VND 12.000.000.000  | 12.000.000.000                      |
    | LH Đồng Tháp  | 01/02/2023 | EUR 200.000         | × 25.200 = 5.040.000.000            |
    | LH Đồng Tháp  | 10/05/2023 | VND 4.800.000.000   | 4.800.000.000 (by the union itself) |
    | LH Kiên Giang | 01/01/2023 | USD 1.149.900       | × 23.450 = 26.965.155.000           |

      Cụm số 5, H1 2023: 35.450.000.000 + 9.840.000.000 + 26.965.155.000 = 72.255.155.000
      Change: (78.001.727.538 − 72.255.155.000) / 72.255.155.000 × 100
            = 5.746.572.538 / 72.255.155.000 × 100 = 7,953… → 8,0 %
      Trà Vinh: (38.400.017.329 − 35.450.000.000) / 35.450.000.000 × 100 = 8,32… → 8,3 %

    Disbursed: Trà Vinh VND 9.000.000.000 on 20/03/2024; Đồng Tháp USD 50.000 on 15/05/2024
    × 25.140 = 1.257.000.000; Kiên Giang VND 8.000.000.000 on 10/06/2023.
      Cụm số 5: 10.257.000.000 in H1 2024 against 8.000.000.000 → +28,2 %.

    The union itself (Đồng Tháp): its own commitments 3.016.800.000 + 150.000.000
    = 3.166.800.000 of 10.691.381.708 = 29,6 % (H1 2023: 4.800.000.000 → −34,0 %).
    Second half of 2024, Đồng Tháp: VND 3.200.000.000 on 15/09/2024 by the union itself,
    VND 6.500.000.000 on 20/11/2024 by Hội VN – Đức. Year 2024: 10.691.381.708 +
    9.700.000.000 = 20.391.381.708 ("more than 20 billion"), of which the union itself
    3.166.800.000 + 3.200.000.000 = 6.366.800.000 ("more than 6 billion") = 31,2 %.

    Places (today's provinces): every Trà Vinh record is in old Trà Vinh communes → Vĩnh
    Long 38.400.017.329; #5 is 60 % in a Đồng Tháp commune, 40 % in an old Tiền Giang
    commune and #6 in an old Tiền Giang commune → Đồng Tháp 10.691.381.708; #9 is 75 % in
    an old Kiên Giang commune, 25 % in Cần Thơ:
      14.354.328.501 × 7500 / 10000 = 10.765.746.375,75 → 10.765.746.376 (An Giang)
      14.354.328.501 × 2500 / 10000 =  3.588.582.125,25 →  3.588.582.125 (Cần Thơ)
      An Giang 14.556.000.000 + 10.765.746.376 = 25.321.746.376.

    Donor countries (the provider's): Hoa Kỳ #1 + #4 + #8 = 38.193.800.000; Đức #2 + #5 + #9
    = 29.111.115.038; Hàn Quốc #3 = 7.046.812.500; Nhật Bản #6 + #7 = 3.650.000.000.
    """

    @classmethod
    def setUpTestData(cls):
        vufo = national_root()

        def union(parent, code, name, **fields):
            kind = fields.pop("kind", OrgKind.PROVINCIAL_UNION)
            return make_org(parent, code=f"acc_{code}", kind=kind, name_vi=name, **fields)

        cls.vinh_long = union(vufo, "vinh_long", "Liên hiệp các tổ chức hữu nghị tỉnh Vĩnh Long")
        cls.tra_vinh = union(
            cls.vinh_long,
            "tra_vinh",
            "Liên hiệp các tổ chức hữu nghị tỉnh Trà Vinh",
            valid_to=CLOSED,
        )
        cls.dong_thap = union(vufo, "dong_thap", "Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp")
        cls.tien_giang = union(
            cls.dong_thap,
            "tien_giang",
            "Liên hiệp các tổ chức hữu nghị tỉnh Tiền Giang",
            valid_to=CLOSED,
        )
        cls.viet_duc = union(
            cls.dong_thap,
            "viet_duc",
            "Hội hữu nghị Việt Nam – Đức tỉnh Đồng Tháp",
            kind=OrgKind.ASSOCIATION,
        )
        cls.an_giang = union(vufo, "an_giang", "Liên hiệp các tổ chức hữu nghị tỉnh An Giang")
        cls.kien_giang = union(
            cls.an_giang,
            "kien_giang",
            "Liên hiệp các tổ chức hữu nghị tỉnh Kiên Giang",
            valid_to=CLOSED,
        )
        cls.ha_noi = union(vufo, "ha_noi", "Liên hiệp các tổ chức hữu nghị thành phố Hà Nội")

        cls.cluster = Cluster.objects.create(number=5, name_vi="Cụm số 5")
        for member in (cls.vinh_long, cls.dong_thap, cls.an_giang):
            ClusterMembership.objects.create(
                cluster=cls.cluster, organization=member, valid_from=MERGER
            )
        for member in (cls.tra_vinh, cls.tien_giang, cls.kien_giang):  # before the merger
            ClusterMembership.objects.create(
                cluster=cls.cluster, organization=member, valid_from=D(2024, 1, 1), valid_to=CLOSED
            )

        cls.coordinator = UserFactory(username="acc_cum5")
        ClusterCoordinator.objects.create(cluster=cls.cluster, user=cls.coordinator)
        cls.vl_viewer = UserFactory(username="acc_vinh_long")
        make_role(cls.vl_viewer, cls.vinh_long, RoleKind.VIEWER)
        cls.dt_editor = UserFactory(username="acc_dong_thap")
        make_role(cls.dt_editor, cls.dong_thap, RoleKind.EDITOR)
        cls.national = UserFactory(username="acc_national")
        make_role(cls.national, vufo, RoleKind.VIEWER)

        for currency, day, rate in (
            ("USD", D(2023, 1, 1), "23450"),
            ("USD", D(2024, 1, 1), "24260"),
            ("USD", D(2024, 4, 1), "25140"),
            ("EUR", D(2023, 1, 1), "25200"),
            ("EUR", D(2024, 1, 1), "26830.5"),
        ):
            ExchangeRateFactory(currency=currency, date=day, rate=Decimal(rate))

        def donor(name, country):
            return PartnerFactory(name=name, country=Country.objects.get(code=country))

        us = donor("Indochina Children's Fund", "US")
        de = donor("Freundeskreis Mekong e.V.", "DE")
        kr = donor("Korea Mekong Friendship Foundation", "KR")
        jp = donor("Japan Mekong Volunteers", "JP")
        au = donor("Mekong Aid Australia", "AU")

        tra_vinh_commune = old_commune("tra_vinh")
        tien_giang_commune = old_commune("tien_giang")
        kien_giang_commune = old_commune("kien_giang")

        def activity(owner, donors, places, status=ActivityStatus.APPROVED, **fields):
            return make_activity(
                organization=owner,
                donors=donors,
                locations=places,
                status=status,
                mobilised_by=fields.pop("mobilised_by", owner),
                planned_start=D(2023, 1, 1),
                planned_end=D(2025, 12, 31),
                **fields,
            )

        def enter(act, day, amount, currency="VND", kind=COMMIT, provider=None):
            return AidTransactionFactory(
                activity=act,
                date=day,
                amount=Decimal(amount),
                currency=currency,
                kind=kind,
                provider=provider or act.donors.first().partner,
            )

        # Trà Vinh (old communes of Trà Vinh: today's Vĩnh Long)
        tv_a = activity(cls.tra_vinh, [us], [tra_vinh_commune], title_vi="Nhà tình thương Trà Vinh")
        enter(tv_a, D(2024, 2, 15), "850000", "USD")  # 1
        enter(tv_a, D(2023, 3, 15), "1000000", "USD")  # H1 2023
        enter(tv_a, D(2024, 7, 1), "100000", "USD")  # a day late
        enter(tv_a, D(2023, 12, 31), "2000000000")  # a day early
        enter(tv_a, D(2024, 3, 20), "9000000000", kind=DISBURSE)
        enter(tv_a, D(2024, 3, 1), "777000000", kind=TransactionKind.EXPENDITURE)
        tv_b = activity(
            cls.tra_vinh,
            [de, kr],
            [tra_vinh_commune],
            status=ActivityStatus.IMPLEMENTING,
            form=aid_form("non_project"),
        )
        enter(tv_b, D(2024, 5, 10), "400000.18", "EUR", provider=de)  # 2
        enter(tv_b, D(2024, 6, 30), "7046812500", provider=kr)  # 3
        enter(tv_b, D(2023, 6, 30), "12000000000", provider=kr)  # H1 2023

        # Đồng Tháp (with old Tiền Giang)
        dt_a = activity(cls.dong_thap, [us, jp], [province("dong_thap")])
        enter(dt_a, D(2024, 4, 20), "120000", "USD", provider=us)  # 4
        enter(dt_a, D(2024, 6, 12), "150000000", provider=jp)  # 7
        enter(dt_a, D(2023, 5, 10), "4800000000", provider=jp)  # H1 2023, by the union
        enter(dt_a, D(2024, 5, 15), "50000", "USD", kind=DISBURSE, provider=us)
        enter(dt_a, D(2024, 9, 15), "3200000000", provider=jp)  # H2 2024, by the union
        dt_b = activity(
            cls.dong_thap,
            [de],
            [(commune("dong_thap"), 60), (tien_giang_commune, 40)],
            mobilised_by=cls.viet_duc,
            status=ActivityStatus.COMPLETED,
        )
        enter(dt_b, D(2024, 3, 5), "150000.25", "EUR")  # 5
        enter(dt_b, D(2023, 2, 1), "200000", "EUR")  # H1 2023
        enter(dt_b, D(2024, 11, 20), "6500000000")  # H2 2024
        tg = activity(cls.tien_giang, [jp], [tien_giang_commune], status=ActivityStatus.CLOSED)
        enter(tg, D(2024, 1, 1), "3500000000")  # 6
        draft = activity(cls.dong_thap, [jp], [province("dong_thap")], status=ActivityStatus.DRAFT)
        enter(draft, D(2024, 3, 15), "5000000000")

        # An Giang (with old Kiên Giang)
        kg = activity(cls.kien_giang, [us], [kien_giang_commune])
        enter(kg, D(2024, 1, 18), "600000", "USD")  # 8
        enter(kg, D(2023, 1, 1), "1149900", "USD")  # H1 2023
        enter(kg, D(2023, 6, 10), "8000000000", kind=DISBURSE)
        ag = activity(
            cls.an_giang,
            [de, au],
            [(kien_giang_commune, 75), (province("can_tho"), 25)],
            form=aid_form("programme"),
        )
        enter(ag, D(2024, 6, 25), "535000.41", "EUR", provider=de)  # 9
        cls.no_rate = enter(ag, D(2024, 3, 20), "50000", "AUD", provider=au)  # 10
        cancelled = activity(cls.an_giang, [de], [], status=ActivityStatus.CANCELLED)
        enter(cancelled, D(2024, 2, 15), "200000", "EUR")

        # Hà Nội, outside the cluster
        hn = activity(cls.ha_noi, [kr], [province("ha_noi")])
        enter(hn, D(2024, 3, 1), "9999000000")  # 11

    def totals(self, user, period=H1_2024, **kwargs):
        return aid_totals(actor=fresh(user), period=period, **kwargs)

    def test_cluster_half_year_to_the_dong(self):
        totals = self.totals(self.coordinator, cluster=self.cluster)
        self.assertEqual(totals.mobilised, 78_001_727_538)
        self.assertEqual(totals.mobilised_earlier, 72_255_155_000)
        self.assertEqual(totals.mobilised_change, Decimal("8.0"))
        self.assertEqual(totals.disbursed, 10_257_000_000)
        self.assertEqual(totals.disbursed_earlier, 8_000_000_000)
        self.assertEqual(totals.disbursed_change, Decimal("28.2"))

    def test_each_province(self):
        expected = {
            self.tra_vinh: (38_400_017_329, 35_450_000_000, Decimal("8.3")),
            self.vinh_long: (38_400_017_329, 35_450_000_000, Decimal("8.3")),
            self.dong_thap: (10_691_381_708, 9_840_000_000, Decimal("8.7")),
            self.an_giang: (28_910_328_501, 26_965_155_000, Decimal("7.2")),
        }
        for union, (mobilised, earlier, change) in expected.items():
            with self.subTest(union.name_vi):
                totals = self.totals(self.coordinator, root=union)
                self.assertEqual(
                    (totals.mobilised, totals.mobilised_earlier, totals.mobilised_change),
                    (mobilised, earlier, change),
                )
        national = self.totals(self.national)
        self.assertEqual(national.mobilised, 88_000_727_538)

    def test_the_share_mobilised_by_the_union_itself(self):
        half = self.totals(self.dt_editor)
        self.assertEqual(half.scope.root, self.dong_thap)
        self.assertEqual(half.mobilised, 10_691_381_708)
        self.assertEqual(half.own_mobilised, 3_166_800_000)
        self.assertEqual(half.own_share, Decimal("29.6"))
        self.assertEqual(half.own_mobilised_earlier, 4_800_000_000)
        self.assertEqual(half.own_change, Decimal("-34.0"))
        year = self.totals(self.dt_editor, period=Period.year(2024))
        self.assertEqual((year.mobilised, year.own_mobilised), (20_391_381_708, 6_366_800_000))
        self.assertEqual(year.own_share, Decimal("31.2"))
        mobilisers = aid_breakdown(actor=fresh(self.dt_editor), period=H1_2024, by="mobiliser")
        self.assertEqual(
            {row.key: row.mobilised for row in mobilisers},
            {
                self.dong_thap.pk: 3_166_800_000,
                self.viet_duc.pk: 4_024_581_708,
                self.tien_giang.pk: 3_500_000_000,
            },
        )

    def test_old_units_roll_up_to_todays_provinces(self):
        rows = aid_breakdown(
            actor=fresh(self.coordinator), period=H1_2024, by="province", cluster=self.cluster
        )
        self.assertEqual(
            {row.key: row.mobilised for row in rows},
            {
                province("vinh_long").pk: 38_400_017_329,
                province("dong_thap").pk: 10_691_381_708,
                province("an_giang").pk: 25_321_746_376,
                province("can_tho").pk: 3_588_582_125,
            },
        )
        self.assertEqual(sum(row.mobilised for row in rows), 78_001_727_538)

    def test_donor_countries(self):
        rows = aid_breakdown(
            actor=fresh(self.coordinator), period=H1_2024, by="country", cluster=self.cluster
        )
        self.assertEqual(
            {row.label: row.mobilised for row in rows},
            {
                "Hoa Kỳ": 38_193_800_000,
                "Đức": 29_111_115_038,
                "Hàn Quốc": 7_046_812_500,
                "Nhật Bản": 3_650_000_000,
            },
        )

    def test_a_missing_rate_warns_and_never_counts_as_zero(self):
        totals = self.totals(self.national, root=self.an_giang)
        self.assertEqual(totals.mobilised, 28_910_328_501)
        self.assertEqual((totals.missing.count, totals.missing.currencies), (1, [("AUD", 1)]))
        self.assertEqual([t.pk for t in totals.missing.transactions], [self.no_rate.pk])
        cluster = self.totals(self.coordinator, cluster=self.cluster)
        self.assertEqual((cluster.missing.count, cluster.missing.transactions), (1, []))
        # once the rate is known the transaction counts at its value, 50.000 × 16.420
        ExchangeRateFactory(currency="AUD", date=D(2024, 1, 1), rate=Decimal("16420"))
        self.no_rate.save()
        after = self.totals(self.national, root=self.an_giang)
        self.assertEqual(after.mobilised, 28_910_328_501 + 821_000_000)
        self.assertEqual(after.missing.count, 0)

    def test_a_province_never_sees_another(self):
        vinh_long = self.totals(self.vl_viewer)
        self.assertEqual(vinh_long.mobilised, 38_400_017_329)
        self.assertEqual(vinh_long.missing.total, 0)  # An Giang's AUD is not its concern
        with self.assertRaises(Http404):
            self.totals(self.vl_viewer, root=self.dong_thap)
        with self.assertRaises(Http404):
            self.totals(self.vl_viewer, cluster=self.cluster)

    def test_the_figures_page_shows_them(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(
            reverse("aid_figures"), {"period": "2024-H1", "cluster": self.cluster.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "78,0 tỷ đồng")
        self.assertContains(response, "78.001.727.538 đ")
        self.assertContains(response, 'data-figure="mobilised" data-vnd="78001727538"')
        self.assertContains(response, "+8,0%")
        self.assertContains(response, "6 tháng đầu năm 2024")
        self.assertContains(response, 'data-missing-rates="1"')
        self.assertContains(response, "AUD (1)")
        response = self.client.get(
            reverse("aid_figures"), {"period": "2024-H1", "organization": self.tra_vinh.pk}
        )
        self.assertContains(response, "38,4 tỷ đồng")
        self.assertContains(response, "38.400.017.329 đ")
