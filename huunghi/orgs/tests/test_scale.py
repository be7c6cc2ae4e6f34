"""The synthetic data set for benchmarks (``generate_scale``): sizes, a consistent tree,
the visibility rule on it, and a second run that creates nothing."""

import datetime
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import Organization, Role
from huunghi.orgs.scale import PREFIX, scale_generate, spread, tree_problems, weighted_sample


def counts_by_kind():
    return {
        kind: Organization.objects.filter(kind=kind, deleted_at__isnull=True).count()
        for kind in OrgKind.values
    }


def db_counts():
    return {
        "orgs": Organization.objects.count(),
        "users": get_user_model().objects.filter(username__startswith=PREFIX).count(),
        "roles": Role.all_objects.count(),
    }


class ScaleGenerateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.result = scale_generate("small", seed=1)

    def test_counts_by_kind_are_in_the_documented_ranges(self):
        kinds = counts_by_kind()
        self.assertEqual(kinds[OrgKind.NATIONAL_UNION], 1)
        # 34 unions today and the 21 that closed with the 2025 merger
        self.assertEqual(kinds[OrgKind.PROVINCIAL_UNION], 55)
        self.assertTrue(50 <= kinds[OrgKind.ASSOCIATION] <= 70, kinds)
        self.assertTrue(250 <= kinds[OrgKind.CHAPTER] <= 350, kinds)
        per_union = [
            Organization.objects.filter(
                path__startswith=union.path, depth=3, kind=OrgKind.ASSOCIATION
            ).count()
            for union in Organization.objects.filter(
                kind=OrgKind.PROVINCIAL_UNION, depth=2, valid_to__isnull=True
            )
        ]
        self.assertEqual(len(per_union), 34)
        self.assertTrue(all(1 <= n <= 3 for n in per_union), per_union)

        roles = Role.objects.filter(user__username__startswith=PREFIX)
        self.assertEqual(roles.filter(role=RoleKind.VIEWER).count(), 34)
        self.assertEqual(
            roles.filter(role=RoleKind.EDITOR).count(), 34 + kinds[OrgKind.ASSOCIATION]
        )
        self.assertEqual(
            get_user_model().objects.filter(username__startswith=PREFIX).count(),
            68 + kinds[OrgKind.ASSOCIATION],
        )

    def test_the_tree_is_consistent(self):
        self.assertEqual(tree_problems(), {})
        self.assertEqual(Organization.find_problems(), ([], [], [], [], []))

    def test_chapters_sit_in_a_commune_of_their_province_within_ten_years(self):
        unions = {u.path: u for u in Organization.objects.filter(depth=2).select_related("unit")}
        chapters = Organization.objects.filter(kind=OrgKind.CHAPTER).select_related("unit")
        self.assertTrue(chapters.exists())
        for chapter in chapters:
            union = unions[chapter.path[:8]]
            self.assertEqual(chapter.unit.level, "commune")
            self.assertEqual(chapter.unit.parent_id, union.unit_id, chapter.code)
            self.assertTrue(chapter.name_vi.startswith("Chi hội"), chapter.name_vi)
            self.assertTrue(
                datetime.date(2016, 1, 1) <= chapter.valid_from <= datetime.date(2026, 12, 31)
            )
            self.assertTrue(chapter.search_text)
        associations = Organization.objects.filter(kind=OrgKind.ASSOCIATION)
        self.assertTrue(all(a.name_vi.startswith("Hội hữu nghị Việt Nam – ") for a in associations))
        self.assertTrue(Organization.objects.filter(valid_to__isnull=False, depth__gt=2).exists())

    def test_a_provincial_editor_sees_only_the_subtree_of_the_union(self):
        union = Organization.objects.get(code="dong_thap")
        user = get_user_model().objects.get(username=f"{PREFIX}dong_thap_editor")
        oracle = {
            pk
            for pk, path, deleted in Organization.objects.values_list("pk", "path", "deleted_at")
            if path.startswith(union.path) and deleted is None
        }
        visible = set(Organization.objects.visible_to(user, "view").values_list("pk", flat=True))
        self.assertEqual(visible, oracle)
        # the closed Tiền Giang union sits under Đồng Tháp, and the generated associations too
        codes = set(Organization.objects.filter(pk__in=visible).values_list("code", flat=True))
        self.assertIn("tien_giang", codes)
        self.assertTrue(any(code.startswith(f"{PREFIX}dong_thap_a") for code in codes))
        self.assertNotIn("an_giang", codes)

    def test_an_association_editor_sees_only_the_association_and_its_chapters(self):
        assoc = Organization.objects.filter(
            code__startswith=PREFIX, kind=OrgKind.ASSOCIATION, numchild__gt=0
        ).first()
        user = get_user_model().objects.get(username=f"{assoc.code}_editor")
        visible = set(Organization.objects.visible_to(user, "change").values_list("pk", flat=True))
        oracle = {
            pk
            for pk, path in Organization.objects.values_list("pk", "path")
            if path.startswith(assoc.path)
        }
        self.assertEqual(visible, oracle)
        self.assertEqual(len(oracle), 1 + assoc.numchild)

    def test_a_second_run_creates_nothing(self):
        before = db_counts()
        again = scale_generate("small", seed=1)
        self.assertEqual(db_counts(), before)
        self.assertEqual(again.created, {})
        self.assertEqual(tree_problems(), {})

    def test_the_command_reports_what_it_did(self):
        out = StringIO()
        call_command("generate_scale", "--size", "small", "--seed", "1", stdout=out)
        text = out.getvalue()
        self.assertIn("tree consistent", text)
        self.assertIn("association", text)


class SpreadTests(TestCase):
    def test_spread_keeps_the_total_and_the_bounds(self):
        import random

        rng = random.Random(3)
        weights = [rng.lognormvariate(0, 1) for _ in range(34)]
        counts = spread(600, weights, 8, 40, rng)
        self.assertEqual(sum(counts), 600)
        self.assertTrue(all(8 <= n <= 40 for n in counts))
        self.assertEqual(sum(spread(10_000, weights, 8, 40, rng)), 34 * 40)

    def test_weighted_sample_is_distinct(self):
        import random

        picked = weighted_sample(list(range(50)), [1.0] * 50, 20, random.Random(1))
        self.assertEqual(len(set(picked)), 20)
        self.assertEqual(weighted_sample([1, 2], [1.0, 1.0], 0, random.Random(1)), [])
