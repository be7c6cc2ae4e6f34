"""The union's review of an aid activity: Wagtail's workflow with the approval task scoped to
the owning subtree, mirrored into the activity's status; the steps after approval."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from huunghi.aid.choices import ActivityStatus, TransactionKind
from huunghi.aid.models import AidActivity
from huunghi.aid.services import activities as services
from huunghi.aid.tests.factories import AidTransactionFactory, make_activity
from huunghi.orgs.choices import RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.orgs.workflows import OrgApprovalTask
from huunghi.partners.tests.factories import PartnerFactory


class ReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.union_a = make_org(root, code="union_a", name_vi="Liên hiệp tỉnh A")
        cls.union_b = make_org(root, code="union_b", name_vi="Liên hiệp tỉnh B")
        cls.editor = UserFactory(username="editor_a")
        make_role(cls.editor, cls.union_a, RoleKind.EDITOR)
        cls.approver = UserFactory(username="approver_a")
        make_role(cls.approver, cls.union_a, RoleKind.APPROVER)
        cls.other_approver = UserFactory(username="approver_b")
        make_role(cls.other_approver, cls.union_b, RoleKind.APPROVER)
        cls.national_approver = UserFactory(username="approver_vufo")
        make_role(cls.national_approver, root, RoleKind.APPROVER)
        cls.donor = PartnerFactory()

    def setUp(self):
        self.activity = make_activity(
            organization=self.union_a, donors=[self.donor], status=ActivityStatus.DRAFT
        )
        self.activity.save_revision(user=self.editor)

    def submit(self):
        workflow = self.activity.get_workflow()
        self.assertIsNotNone(workflow, "aid activities have a review workflow")
        workflow.start(self.activity, self.editor)
        self.activity.refresh_from_db()
        return self.activity.current_workflow_task_state

    def action_url(self, task_state, action="approve"):
        return reverse(
            "aid_activities:workflow_action", args=[self.activity.pk, action, task_state.pk]
        )

    def test_the_workflow_uses_the_scoped_approval_task(self):
        task_state = self.submit()
        self.assertIsInstance(task_state.task.specific, OrgApprovalTask)
        self.assertEqual(self.activity.status, ActivityStatus.SUBMITTED)

    def test_approver_of_the_union_approves_and_the_status_follows(self):
        task_state = self.submit()
        self.client.force_login(self.approver)
        response = self.client.post(self.action_url(task_state))
        self.assertIn(response.status_code, (200, 302))
        self.activity.refresh_from_db()
        self.assertEqual(self.activity.status, ActivityStatus.APPROVED)
        self.assertTrue(self.activity.live)
        self.assertEqual(self.activity.approved_on, timezone.localdate())

    def test_approver_above_the_union_may_approve(self):
        task = self.submit().task.specific
        self.assertTrue(task.get_actions(self.activity, self.national_approver))

    def test_approver_of_another_union_cannot_act_nor_see(self):
        task_state = self.submit()
        self.assertEqual(
            task_state.task.specific.get_actions(self.activity, self.other_approver), []
        )
        self.client.force_login(self.other_approver)
        response = self.client.post(self.action_url(task_state))
        self.assertEqual(response.status_code, 404)
        self.activity.refresh_from_db()
        self.assertEqual(self.activity.status, ActivityStatus.SUBMITTED)

    def test_the_editor_cannot_approve_their_own_submission(self):
        task_state = self.submit()
        self.assertEqual(task_state.task.specific.get_actions(self.activity, self.editor), [])
        self.client.force_login(self.editor)
        self.client.post(self.action_url(task_state))
        self.activity.refresh_from_db()
        self.assertEqual(self.activity.status, ActivityStatus.SUBMITTED)

    def test_returning_with_comments_sends_it_back(self):
        task_state = self.submit()
        task_state.task.specific.on_action(task_state, self.approver, "reject", comment="Bổ sung")
        self.activity.refresh_from_db()
        self.assertEqual(self.activity.status, ActivityStatus.RETURNED)
        self.assertFalse(self.activity.live)

    def test_the_approvers_queue_lists_only_their_subtree(self):
        task_state = self.submit()
        task = task_state.task.specific
        self.assertIn(task_state, task.get_task_states_user_can_moderate(self.approver))
        self.assertNotIn(task_state, task.get_task_states_user_can_moderate(self.other_approver))

    def test_every_step_is_in_the_history(self):
        task_state = self.submit()
        task_state.task.specific.on_action(task_state, self.approver, "approve")
        self.client.force_login(self.editor)
        response = self.client.get(reverse("aid_activities:history", args=[self.activity.pk]))
        self.assertEqual(response.status_code, 200)
        from wagtail.models import ModelLogEntry

        actions = set(
            ModelLogEntry.objects.filter(object_id=str(self.activity.pk)).values_list(
                "action", flat=True
            )
        )
        self.assertTrue({"wagtail.workflow.start", "wagtail.publish"} <= actions, actions)


class StageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.union = make_org(national_root(), code="union_s")
        cls.editor = UserFactory(username="editor_s")
        make_role(cls.editor, cls.union, RoleKind.EDITOR)
        cls.donor = PartnerFactory()

    def test_implementation_needs_the_decision(self):
        activity = make_activity(organization=self.union, donors=[self.donor])
        with self.assertRaises(ValidationError):
            services.activity_stage_advance(
                actor=self.editor, activity=activity, to=ActivityStatus.IMPLEMENTING
            )
        services.activity_record_decision(
            actor=self.editor,
            activity=activity,
            number="1234/QĐ-UBND",
            date=datetime.date(2026, 2, 5),
            authority="Ủy ban nhân dân tỉnh Đồng Tháp",
        )
        services.activity_stage_advance(
            actor=self.editor, activity=activity, to=ActivityStatus.IMPLEMENTING
        )
        activity.refresh_from_db()
        self.assertEqual(activity.status, ActivityStatus.IMPLEMENTING)
        self.assertEqual(activity.decision_number, "1234/QĐ-UBND")

    def test_a_stage_cannot_be_skipped(self):
        activity = make_activity(organization=self.union, donors=[self.donor])
        with self.assertRaises(ValidationError):
            services.activity_stage_advance(
                actor=self.editor, activity=activity, to=ActivityStatus.CLOSED
            )

    def test_the_decision_survives_a_new_revision(self):
        activity = make_activity(organization=self.union, donors=[self.donor])
        activity.save_revision(user=self.editor)
        services.activity_record_decision(
            actor=self.editor,
            activity=activity,
            number="77/QĐ-UBND",
            date=datetime.date(2026, 1, 5),
            authority="UBND tỉnh",
        )
        # An older revision published again does not take the decision back.
        old = activity.latest_revision
        old.publish(user=None)
        activity = AidActivity.objects.get(pk=activity.pk)
        self.assertEqual(activity.decision_number, "77/QĐ-UBND")
        self.assertEqual(activity.status, ActivityStatus.APPROVED)

    def test_stalled_activities_are_flagged_and_cleared(self):
        activity = make_activity(organization=self.union, donors=[self.donor])
        AidActivity.objects.filter(pk=activity.pk).update(approved_on=datetime.date(2025, 1, 10))
        flagged, cleared = services.activity_flag_stalled(today=datetime.date(2025, 7, 9))
        self.assertEqual((flagged, cleared), (0, 0))
        flagged, _ = services.activity_flag_stalled(today=datetime.date(2025, 7, 10))
        self.assertEqual(flagged, 1)
        activity.refresh_from_db()
        self.assertEqual(activity.stalled_since, datetime.date(2025, 7, 10))
        AidTransactionFactory(
            activity=activity, kind=TransactionKind.DISBURSEMENT, date=datetime.date(2025, 8, 1)
        )
        _, cleared = services.activity_flag_stalled(today=datetime.date(2025, 8, 2))
        self.assertEqual(cleared, 1)
        activity.refresh_from_db()
        self.assertIsNone(activity.stalled_since)


class PeriodicJobTests(TestCase):
    def test_the_runner_knows_the_six_month_flag(self):
        from huunghi.core.scheduling import registered_jobs

        job = registered_jobs()["aid_flag_stalled"]
        self.assertEqual(job.every, datetime.timedelta(days=1))
        self.assertEqual(job.func(), "flagged 0, cleared 0")
