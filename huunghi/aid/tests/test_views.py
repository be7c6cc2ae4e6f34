"""The aid activity and transaction pages of the staff workspace."""

import datetime
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

from huunghi.aid.choices import ActivityStatus, TransactionKind
from huunghi.aid.models import ActivityLocation, ActivitySector, AidActivity, AidTransaction
from huunghi.aid.tests.factories import (
    AidTransactionFactory,
    ExchangeRateFactory,
    aid_form,
    make_activity,
    province,
    sector,
)
from huunghi.orgs.choices import RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.partners.tests.factories import PartnerFactory


def inline(prefix: str, rows: list[dict]) -> dict:
    """POST data of a Wagtail inline panel with ``rows``."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-id"] = ""
        data[f"{prefix}-{i}-ORDER"] = str(i + 1)
        data[f"{prefix}-{i}-DELETE"] = ""
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


class ActivityPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.union_a = make_org(root, code="union_va", name_vi="Liên hiệp tỉnh A")
        cls.union_b = make_org(root, code="union_vb", name_vi="Liên hiệp tỉnh B")
        cls.editor = UserFactory(username="editor_va")
        make_role(cls.editor, cls.union_a, RoleKind.EDITOR)
        cls.viewer_b = UserFactory(username="viewer_vb")
        make_role(cls.viewer_b, cls.union_b, RoleKind.VIEWER)
        cls.donor = PartnerFactory(name="Good Neighbors International")
        cls.other_donor = PartnerFactory(name="Plan International")
        cls.activity = make_activity(
            organization=cls.union_a,
            donors=[cls.donor],
            title_vi="Xây nhà tình thương ở Đồng Tháp",
            locations=[province("dong_thap")],
        )
        ExchangeRateFactory(currency="USD", date=datetime.date(2026, 1, 1), rate=Decimal("25000"))

    def setUp(self):
        self.client.force_login(self.editor)

    def form_data(self, **overrides):
        data = {
            "organization": self.union_a.pk,
            "form": aid_form("project").pk,
            "reference": "DA-01",
            "title_vi": "Dự án nước sạch cho trường học",
            "title_en": "Clean water for schools",
            "planned_start": "2026-01-01",
            "planned_end": "2026-12-31",
            **inline("donors", [{"partner": self.donor.pk}]),
            **inline(
                "sectors",
                [
                    {"sector": sector("water").pk, "share": "60"},
                    {"sector": sector("education").pk, "share": "40"},
                ],
            ),
            **inline(
                "locations",
                [{"unit": province("dong_thap").pk, "share": ""}]
                + [{"unit": province("vinh_long").pk, "share": ""}],
            ),
            **inline("beneficiaries", []),
        }
        data.update(overrides)
        return data

    def test_list_shows_only_the_users_subtree(self):
        make_activity(organization=self.union_b, title_vi="Hoạt động của tỉnh B")
        response = self.client.get(reverse("aid_activities:list"))
        self.assertContains(response, "Xây nhà tình thương ở Đồng Tháp")
        self.assertNotContains(response, "Hoạt động của tỉnh B")

    def test_search_ignores_diacritics(self):
        response = self.client.get(reverse("aid_activities:list"), {"q": "nha tinh thuong"})
        self.assertContains(response, "Xây nhà tình thương ở Đồng Tháp")

    def test_list_query_count_does_not_grow_with_rows(self):
        url = reverse("aid_activities:list")
        self.client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for _ in range(5):
            make_activity(organization=self.union_a, donors=[self.donor])
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(few), len(many))

    def test_filters_by_union_year_and_sector(self):
        make_activity(
            organization=self.union_a,
            title_vi="Hoạt động giáo dục 2030",
            sectors=(("education", 100),),
            planned_start=datetime.date(2030, 1, 1),
            planned_end=datetime.date(2030, 12, 31),
        )
        response = self.client.get(
            reverse("aid_activities:list"),
            {"province": self.union_a.pk, "year": 2030, "sector": sector("education").pk},
        )
        self.assertContains(response, "Hoạt động giáo dục 2030")
        self.assertNotContains(response, "Xây nhà tình thương")

    def test_create_with_shares_and_equal_location_shares(self):
        response = self.client.post(reverse("aid_activities:add"), self.form_data())
        self.assertEqual(response.status_code, 302, response.content[:3000])
        activity = AidActivity.objects.get(reference="DA-01")
        self.assertEqual(activity.status, ActivityStatus.DRAFT)
        self.assertFalse(activity.live)
        self.assertEqual(
            sorted(
                ActivitySector.objects.filter(activity=activity).values_list("weight", flat=True)
            ),
            [4000, 6000],
        )
        locations = ActivityLocation.objects.filter(activity=activity)
        self.assertEqual(sum(location.share for location in locations), 100)

    def test_sector_shares_must_add_up_to_100(self):
        data = self.form_data(**{"sectors-1-share": "30"})
        response = self.client.post(reverse("aid_activities:add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "90%")
        self.assertFalse(AidActivity.objects.filter(reference="DA-01").exists())

    def test_a_donor_twice_is_refused(self):
        data = self.form_data(**inline("donors", [{"partner": self.donor.pk}] * 2))
        response = self.client.post(reverse("aid_activities:add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(AidActivity.objects.filter(reference="DA-01").exists())

    def test_a_reference_is_used_once_per_organisation(self):
        make_activity(organization=self.union_a, reference="DA-01")
        response = self.client.post(reverse("aid_activities:add"), self.form_data())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "DA-01")
        self.assertEqual(AidActivity.objects.filter(reference="DA-01").count(), 1)

    def test_cannot_create_for_another_union(self):
        data = self.form_data(organization=self.union_b.pk)
        response = self.client.post(reverse("aid_activities:add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(AidActivity.objects.filter(reference="DA-01").exists())

    def test_other_union_gets_404_everywhere(self):
        self.client.force_login(self.viewer_b)
        pk = self.activity.pk
        for name in ("inspect", "edit", "history", "delete", "workflow_history", "lock"):
            response = self.client.get(reverse(f"aid_activities:{name}", args=[pk]))
            self.assertEqual(response.status_code, 404, name)
        for name in ("aid_activity_decision", "aid_activity_stage"):
            self.assertEqual(self.client.get(reverse(name, args=[pk])).status_code, 404, name)

    def test_inspect_shows_transactions_totals_and_missing_rates(self):
        AidTransactionFactory(
            activity=self.activity, amount=Decimal("1000"), currency="USD", provider=self.donor
        )
        AidTransactionFactory(
            activity=self.activity, amount=Decimal("500"), currency="EUR", provider=self.donor
        )
        response = self.client.get(reverse("aid_activities:inspect", args=[self.activity.pk]))
        self.assertContains(response, "25.000.000 đ")
        self.assertContains(response, "data-missing-rate")

    def test_decision_and_stage_pages(self):
        url = reverse("aid_activity_decision", args=[self.activity.pk])
        response = self.client.post(
            url, {"number": "", "date": "2026-02-05", "authority": "UBND tỉnh Đồng Tháp"}
        )
        self.assertEqual(response.status_code, 200)
        response = self.client.post(
            url, {"number": "15/QĐ-UBND", "date": "2026-02-05", "authority": "UBND tỉnh Đồng Tháp"}
        )
        self.assertEqual(response.status_code, 302)
        response = self.client.post(
            reverse("aid_activity_stage", args=[self.activity.pk]),
            {"to": ActivityStatus.IMPLEMENTING},
        )
        self.assertEqual(response.status_code, 302)
        self.activity.refresh_from_db()
        self.assertEqual(self.activity.status, ActivityStatus.IMPLEMENTING)


class TransactionPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.union = make_org(national_root(), code="union_t")
        cls.editor = UserFactory(username="editor_t")
        make_role(cls.editor, cls.union, RoleKind.EDITOR)
        cls.donor = PartnerFactory()
        cls.stranger = PartnerFactory(name="Not a donor")
        cls.activity = make_activity(
            organization=cls.union,
            donors=[cls.donor],
            planned_start=datetime.date(2026, 1, 1),
            planned_end=datetime.date(2026, 12, 31),
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def post(self, **fields):
        data = {
            "activity": self.activity.pk,
            "kind": TransactionKind.DISBURSEMENT,
            "date": "2026-03-01",
            "amount": "1000000",
            "currency": "VND",
            "provider": self.donor.pk,
            "vnd_credited": "",
            "description": "",
            **fields,
        }
        return self.client.post(reverse("aid_transactions:add"), data)

    def test_add_from_the_activity_offers_only_its_donors(self):
        response = self.client.get(
            reverse("aid_transactions:add") + f"?activity={self.activity.pk}"
        )
        self.assertContains(response, str(self.donor))
        self.assertNotContains(response, "Not a donor")

    def test_valid_transaction_is_saved_with_its_vnd_value(self):
        response = self.post()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(AidTransaction.objects.get().vnd, 1_000_000)

    def test_negative_disbursement_is_a_correction(self):
        self.assertEqual(self.post(amount="-200000").status_code, 302)

    def test_bad_input_is_refused_on_the_field(self):
        cases = {
            "amount": {"amount": "một triệu"},
            "currency": {"currency": "XYZ"},
            "date": {"date": "2027-03-01"},
            "provider": {"provider": self.stranger.pk},
        }
        for field, data in cases.items():
            response = self.post(**data)
            self.assertEqual(response.status_code, 200, field)
            self.assertTrue(response.context["form"].errors.get(field), field)
        response = self.post(kind=TransactionKind.COMMITMENT, amount="-5")
        self.assertTrue(response.context["form"].errors.get("amount"))
        self.assertFalse(AidTransaction.objects.exists())
