"""The synthetic network of ``generate_scale``: profiles, persons, memberships with their
status periods; a second run creates nothing; the counts read the generated rows right."""

import datetime
from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.db.models import Count, F
from django.test import TestCase

from huunghi.network.choices import COUNTED_STATUSES, Level, MemberStatus
from huunghi.network.models import Association, Chapter, Membership, MembershipPeriod
from huunghi.network.selectors import network_counts
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.scale import PREFIX
from huunghi.orgs.tests.factories import UserFactory
from huunghi.people.choices import ConsentState
from huunghi.people.models import Consent, Person
from huunghi.people.scale import PERSONS


def row_counts():
    return {
        model.__name__: model.all_objects.count()
        for model in (Organization, Association, Chapter, Person, Consent, Membership)
    } | {"MembershipPeriod": MembershipPeriod.all_objects.count()}


class NetworkScaleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        out = StringIO()
        call_command("generate_scale", "--size", "small", "--no-check", stdout=out)
        cls.output = out.getvalue()
        cls.superuser = UserFactory(is_superuser=True)

    def test_every_generated_association_and_chapter_has_its_profile(self):
        generated = Organization.objects.filter(code__startswith=PREFIX)
        associations = generated.filter(kind=OrgKind.ASSOCIATION)
        chapters = generated.filter(kind=OrgKind.CHAPTER)
        self.assertEqual(
            set(Association.objects.values_list("pk", flat=True)),
            set(associations.values_list("pk", flat=True)),
        )
        self.assertEqual(
            set(Chapter.objects.values_list("pk", flat=True)),
            set(chapters.values_list("pk", flat=True)),
        )
        n_partners = Counter(
            Association.objects.annotate(n=Count("partner_countries")).values_list("n", flat=True)
        )
        self.assertFalse(n_partners[0], n_partners)
        self.assertEqual(set(n_partners) - {1, 2, 3}, set())
        for association in Association.objects.select_related("organization"):
            org = association.organization
            self.assertTrue(association.founding_decision_number.endswith("/QĐ-UBND"))
            self.assertLessEqual(association.founding_decision_date, org.valid_from)
            self.assertTrue(association.founding_decision_issuer.startswith("Ủy ban nhân dân"))
            # the name says which countries are partners
            for country in association.partner_countries.all():
                self.assertIn(country.name_vi, org.name_vi)

    def test_persons_are_members_with_dated_statuses(self):
        persons = Person.objects.filter(organization__code__startswith=PREFIX)
        self.assertEqual(persons.count(), PERSONS["small"])
        self.assertFalse(persons.filter(memberships__isnull=True).exists())
        self.assertFalse(persons.filter(sort_key="").exists())
        self.assertFalse(persons.filter(search_text="").exists())
        person = persons.exclude(phone="").first()
        self.assertEqual(person.phone_key, person.phone)
        self.assertIn(person.phone_key, person.personal_search_text)
        # everyone is a member where their record is kept; a few also elsewhere
        own = Membership.objects.filter(organization_id=F("person__organization_id"))
        self.assertEqual(own.count(), persons.count())
        self.assertGreater(Membership.objects.count(), persons.count())

        periods: dict[int, list] = {}
        for p in MembershipPeriod.objects.order_by("valid_from", "id"):
            periods.setdefault(p.membership_id, []).append(p)
        statuses = Counter()
        for membership in Membership.objects.all():
            chain = periods[membership.pk]
            self.assertEqual(chain[0].valid_from, membership.joined_on)
            self.assertIsNone(chain[-1].valid_to)
            for before, after in zip(chain, chain[1:], strict=False):
                self.assertEqual(before.valid_to, after.valid_from)
            self.assertEqual(
                (membership.status, membership.status_since),
                (
                    chain[-1].status,
                    chain[-1].valid_from,
                ),
            )
            statuses[membership.status] += 1
        self.assertGreater(statuses[MemberStatus.ACTIVE], sum(statuses.values()) / 2)
        self.assertGreater(len(statuses), 1, statuses)

    def test_consent_state_follows_the_consent_records(self):
        persons = Person.objects.filter(organization__code__startswith=PREFIX)
        with_consent = set(Consent.objects.values_list("person_id", flat=True))
        withdrawn = set(
            Consent.objects.filter(withdrawn_on__isnull=False).values_list("person_id", flat=True)
        )
        self.assertGreater(len(with_consent), persons.count() / 2)
        for pk, state in persons.values_list("pk", "consent_state"):
            expected = (
                ConsentState.WITHDRAWN
                if pk in withdrawn
                else ConsentState.GIVEN
                if pk in with_consent
                else ConsentState.NONE
            )
            self.assertEqual(state, expected)

    def test_a_second_run_creates_nothing(self):
        self.assertIn("persons", self.output)
        before = row_counts()
        out = StringIO()
        call_command("generate_scale", "--size", "small", "--no-check", stdout=out)
        self.assertEqual(row_counts(), before)
        self.assertIn("created nothing", out.getvalue())

    def test_network_counts_equal_a_count_of_the_rows(self):
        orgs = {
            o["pk"]: o
            for o in Organization.objects.values(
                "pk", "path", "depth", "kind", "valid_from", "valid_to", "deleted_at"
            )
        }
        memberships = {
            m["pk"]: m
            for m in Membership.all_objects.values(
                "pk", "organization_id", "deleted_at", "person__gender"
            )
        }
        periods = list(
            MembershipPeriod.all_objects.values(
                "membership_id", "status", "valid_from", "valid_to", "deleted_at"
            )
        )
        busiest = Counter(
            orgs[m["organization_id"]]["path"][:8] for m in memberships.values()
        ).most_common(1)[0][0]
        roots = [Organization.objects.get(code="vufo"), Organization.objects.get(path=busiest)]
        for root in roots:
            for on in (
                datetime.date(2020, 12, 31),
                datetime.date(2024, 7, 1),
                datetime.date(2026, 6, 30),
            ):
                with self.subTest(root=root.code, on=on):
                    expected = self.count_in_python(root, on, orgs, memberships, periods)
                    got = network_counts(actor=self.superuser, root=root, on=on)
                    self.assertEqual({k: got[k] for k in expected}, expected)
                    self.assertGreater(got["members"], 0)

    @staticmethod
    def count_in_python(root, on, orgs, memberships, periods):
        def alive_on(org):
            return (
                org["path"].startswith(root.path)
                and org["deleted_at"] is None
                and (org["valid_from"] is None or org["valid_from"] <= on)
                and (org["valid_to"] is None or org["valid_to"] >= on)
            )

        kinds = Counter(o["kind"] for o in orgs.values() if alive_on(o))
        by_status, by_gender, by_level = Counter(), Counter(), Counter()
        for p in periods:
            m = memberships[p["membership_id"]]
            org = orgs[m["organization_id"]]
            if (
                p["deleted_at"] is None
                and m["deleted_at"] is None
                and org["path"].startswith(root.path)
                and p["status"] in COUNTED_STATUSES
                and p["valid_from"] <= on
                and (p["valid_to"] is None or p["valid_to"] > on)
            ):
                by_status[p["status"]] += 1
                by_gender[m["person__gender"] or ""] += 1
                if org["kind"] == OrgKind.CHAPTER:
                    by_level[Level.CHAPTER] += 1
                elif org["depth"] == 2:
                    by_level[Level.NATIONAL] += 1
                else:
                    by_level[Level.PROVINCIAL] += 1
        return {
            "associations": kinds[OrgKind.ASSOCIATION],
            "chapters": kinds[OrgKind.CHAPTER],
            "members": sum(by_status.values()),
            "members_by_status": dict(by_status),
            "members_by_gender": dict(by_gender),
            "members_by_level": dict(by_level),
        }
