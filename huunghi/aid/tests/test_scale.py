"""The synthetic partners and aid of ``generate_scale`` (small size): counts, a second run
that creates nothing, shares that add up to 100, đồng values at the stored rates, the
transactions left without a rate, and the visibility rule on the generated rows."""

import datetime
from collections import Counter, defaultdict
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Sum
from django.test import TestCase

from huunghi.aid.choices import COUNTED_STATUSES, ActivityStatus, TransactionKind
from huunghi.aid.models import (
    ActivityBeneficiary,
    ActivityDonor,
    ActivityLocation,
    ActivitySector,
    AidActivity,
    AidTransaction,
    ExchangeRate,
    share_weight,
)
from huunghi.aid.scale import ACTIVITIES
from huunghi.aid.scale_rates import NO_RATE_CURRENCY, RATE_ANCHORS
from huunghi.aid.services.rates import rate_on
from huunghi.core.money import to_vnd
from huunghi.orgs.models import Organization
from huunghi.orgs.scale import END, PREFIX, scale_generate, scale_summary
from huunghi.partners.choices import PartnerKind
from huunghi.partners.models import Certificate, Partner, partner_name_key
from huunghi.partners.scale import EMAIL_DOMAIN, PARTNERS
from huunghi.places.models import CodeSystem
from huunghi.places.selectors import current_province

MODELS = (
    Partner,
    Certificate,
    ExchangeRate,
    AidActivity,
    ActivityDonor,
    ActivitySector,
    ActivityLocation,
    ActivityBeneficiary,
    AidTransaction,
)


def row_counts():
    return {model.__name__: model._base_manager.count() for model in MODELS}


class AidScaleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        out = StringIO()
        call_command("generate_scale", "--size", "small", "--no-check", stdout=out)
        cls.output = out.getvalue()
        cls.activities = list(AidActivity.objects.select_related("organization"))
        cls.transactions = list(AidTransaction.objects.all())

    def test_the_small_size_has_the_planned_counts(self):
        self.assertEqual(len(self.activities), ACTIVITIES["small"])
        generated = Partner.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
        self.assertEqual(generated.count(), PARTNERS["small"])
        self.assertEqual(set(generated.values_list("kind", flat=True)), set(PartnerKind.values))
        # about ten transactions an activity
        self.assertTrue(7 <= len(self.transactions) / len(self.activities) <= 13)
        # monthly rates of six currencies from January 2016 to December 2026
        per_currency = dict(
            ExchangeRate.objects.order_by().values_list("currency").annotate(n=Count("id"))
        )
        self.assertEqual(per_currency, dict.fromkeys(RATE_ANCHORS, 11 * 12))
        self.assertIn("aid activities:", self.output)
        self.assertIn("without a rate", self.output)

    def test_a_second_run_creates_nothing(self):
        before = row_counts()
        again = scale_generate("small", seed=1)
        self.assertEqual(again.created, {})
        self.assertEqual(row_counts(), before)

    def test_sector_and_location_shares_add_up_to_100(self):
        for model in (ActivitySector, ActivityLocation):
            sums = dict(
                model.objects.order_by()
                .values_list("activity")
                .annotate(total=Sum("weight"))
                .values_list("activity", "total")
            )
            self.assertEqual(set(sums), {a.pk for a in self.activities}, model.__name__)
            self.assertEqual(set(sums.values()), {10000}, model.__name__)
            for row in model.objects.all():
                self.assertEqual(row.weight, share_weight(row.share))
        self.assertEqual(
            set(
                ActivitySector.objects.values_list("activity")
                .annotate(n=Count("id"))
                .values_list("n", flat=True)
            )
            - {1, 2, 3},
            set(),
        )

    def test_locations_roll_up_to_today_s_province_and_old_records_use_old_units(self):
        locations = list(ActivityLocation.objects.select_related("unit", "unit__parent"))
        for location in locations:
            self.assertEqual(location.province_id, current_province(location.unit).pk)
        old = [loc for loc in locations if loc.unit.code_system == CodeSystem.GSO_PRE_2025]
        self.assertTrue(old)
        starts = {a.pk: a.planned_start for a in self.activities}
        self.assertTrue(all(starts[loc.activity_id] < datetime.date(2025, 7, 1) for loc in old))
        # an activity's places lie in the province of the union that keeps it
        union_unit = {
            o.path: o.unit_id for o in Organization.objects.filter(depth=2, valid_to__isnull=True)
        }
        owner_path = {a.pk: a.organization.path for a in self.activities}
        for location in locations:
            path = owner_path[location.activity_id]
            if len(path) > 4:
                self.assertEqual(location.province_id, union_unit[path[:8]])
        # some old records are kept by the union of the old province (closed in 2025)
        self.assertTrue(any(a.organization.depth == 3 for a in self.activities))

    def test_dong_values_are_the_amount_at_the_latest_rate(self):
        for tx in self.transactions:
            if tx.currency == "VND":
                self.assertIsNone(tx.rate)
                self.assertEqual(tx.value_vnd, int(tx.amount))
            elif tx.rate is not None:
                self.assertEqual(tx.value_vnd, to_vnd(tx.amount, tx.rate))
            expected = tx.vnd_credited if tx.vnd_credited is not None else tx.value_vnd
            self.assertEqual(tx.vnd, expected)
        # the rate used is the latest on or before the date, as a save would find it
        for tx in self.transactions[::37]:
            found = rate_on(tx.currency, tx.date) if tx.currency != "VND" else None
            self.assertEqual(tx.rate, found.rate if found else None)
            self.assertEqual(tx.rate_date, found.date if found else None)
        self.assertTrue(any(tx.vnd_credited is not None for tx in self.transactions))

    def test_some_transactions_have_no_rate(self):
        missing = [tx for tx in self.transactions if tx.vnd is None]
        self.assertTrue(missing)
        self.assertTrue(len(missing) < len(self.transactions) * 0.1)
        self.assertEqual({tx.currency for tx in missing}, {NO_RATE_CURRENCY})
        self.assertTrue(all(tx.rate is None and tx.value_vnd is None for tx in missing))
        summary = scale_summary()
        self.assertEqual(summary["aid transactions"]["without a rate"], len(missing))
        self.assertEqual(summary["aid activities"]["total"], ACTIVITIES["small"])

    def test_transactions_fit_their_activity(self):
        donors = defaultdict(set)
        for activity_id, partner_id in ActivityDonor.objects.values_list("activity", "partner"):
            donors[activity_id].add(partner_id)
        by_id = {a.pk: a for a in self.activities}
        kinds = Counter()
        for tx in self.transactions:
            activity = by_id[tx.activity_id]
            first, last = activity.window
            self.assertTrue(first <= tx.date <= last, (activity.reference, tx.date))
            self.assertLessEqual(tx.date, max(END, first + datetime.timedelta(days=30)))
            self.assertIn(tx.provider_id, donors[tx.activity_id])
            if tx.amount < 0:
                self.assertEqual(tx.kind, TransactionKind.DISBURSEMENT)
            kinds[tx.kind] += 1
        self.assertEqual(set(kinds), set(TransactionKind.values))
        self.assertTrue(all(1 <= len(d) <= 3 for d in donors.values()))
        self.assertEqual(set(donors), set(by_id))

    def test_statuses_follow_the_review_and_counted_ones_are_live(self):
        statuses = Counter(a.status for a in self.activities)
        counted = sum(statuses[s] for s in COUNTED_STATUSES)
        self.assertGreater(counted, 0.8 * len(self.activities))
        for status in (ActivityStatus.DRAFT, ActivityStatus.RETURNED, ActivityStatus.CANCELLED):
            self.assertTrue(statuses[status], status)
        for activity in self.activities:
            self.assertEqual(activity.live, activity.status in COUNTED_STATUSES)
            self.assertTrue(activity.reference.startswith(PREFIX))
            self.assertTrue(activity.search_text)
            self.assertTrue(
                datetime.date(2016, 1, 1) <= activity.planned_start <= activity.planned_end
            )
            self.assertLessEqual(activity.planned_end, datetime.date(2026, 12, 31))
            if activity.status == ActivityStatus.IMPLEMENTING:
                self.assertTrue(activity.decision_number and activity.actual_start)
            if activity.is_counted:
                self.assertLess(activity.approved_on, activity.planned_start)
            self.assertIsNotNone(activity.mobilised_by_id)
        self.assertFalse(AidActivity.objects.exclude(latest_revision=None).exists())

    def test_partners_and_certificates(self):
        partners = list(Partner.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}"))
        for partner in partners:
            self.assertEqual(partner.name_key, partner_name_key(partner.name))
            self.assertTrue(partner.search_text)
            if partner.kind == PartnerKind.INDIVIDUAL:
                self.assertIsNotNone(partner.person_id)
        self.assertEqual(len({p.name_key for p in partners}), len(partners))
        ngos = {p.pk for p in partners if p.kind == PartnerKind.NGO}
        with_certificate = set(Certificate.objects.values_list("partner", flat=True))
        self.assertEqual(ngos - with_certificate, set())
        current = Certificate.objects.filter(issuer="Bộ Ngoại giao")
        self.assertEqual(current.count(), len(ngos))
        self.assertTrue(current.filter(expires_on__gt=END).exists())
        self.assertFalse(Certificate.objects.filter(provinces=None).exists())
        self.assertTrue(any(p.iati_identifier for p in partners))

    def test_a_provincial_editor_sees_the_activities_of_the_union_subtree(self):
        union = Organization.objects.get(code="ha_noi")
        user = get_user_model().objects.get(username=f"{PREFIX}ha_noi_editor")
        visible = set(AidActivity.objects.visible_to(user).values_list("pk", flat=True))
        oracle = {a.pk for a in self.activities if a.organization.path.startswith(union.path)}
        self.assertTrue(oracle)
        self.assertEqual(visible, oracle)
        tx_visible = AidTransaction.objects.visible_to(user).count()
        self.assertEqual(tx_visible, sum(1 for t in self.transactions if t.activity_id in oracle))
        # the partner registry is shared
        self.assertEqual(Partner.objects.visible_to(user).count(), Partner.objects.count())
