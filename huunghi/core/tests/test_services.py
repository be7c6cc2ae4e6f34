"""The periodic-job runner and the core management commands."""

import datetime
import io
import tempfile
from pathlib import Path

import polib
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from huunghi.core import scheduling
from huunghi.core.models import PeriodicJobState
from huunghi.core.services import periodic_run_due

T0 = datetime.datetime(2026, 2, 5, 8, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


class PeriodicJobTestCase(TestCase):
    def register(self, name, func, every=HOUR):
        scheduling.register(name, every=every)(func)
        self.addCleanup(scheduling._jobs.pop, name, None)
        return func

    def counting_job(self, name, every=HOUR, message="done"):
        calls = []

        def job():
            calls.append(timezone.now())
            return message

        self.register(name, job, every)
        return calls


class PeriodicRunDueTests(PeriodicJobTestCase):
    def test_a_due_job_runs_once_and_its_result_is_recorded(self):
        calls = self.counting_job("test.count", message="3 reminders sent")
        results = periodic_run_due(now=T0, only="test.count")
        assert results == [("test.count", True, "3 reminders sent")]
        assert len(calls) == 1
        state = PeriodicJobState.objects.get(name="test.count")
        assert state.last_started_at == T0
        assert state.last_finished_at is not None
        assert state.last_ok is True
        assert state.last_message == "3 reminders sent"

    def test_a_job_does_not_run_again_until_it_is_due(self):
        calls = self.counting_job("test.count")
        periodic_run_due(now=T0, only="test.count")
        assert periodic_run_due(now=T0, only="test.count") == []
        assert periodic_run_due(now=T0 + HOUR / 2, only="test.count") == []
        almost = T0 + HOUR - datetime.timedelta(seconds=1)
        assert periodic_run_due(now=almost, only="test.count") == []
        assert len(calls) == 1
        assert [r[0] for r in periodic_run_due(now=T0 + HOUR, only="test.count")] == ["test.count"]
        assert len(calls) == 2
        assert PeriodicJobState.objects.get(name="test.count").last_started_at == T0 + HOUR

    def test_a_job_claimed_by_another_runner_is_not_run_twice(self):
        calls = self.counting_job("test.count")
        # another process claimed it a minute ago and is still running it
        PeriodicJobState.objects.create(
            name="test.count", last_started_at=T0 - datetime.timedelta(minutes=1)
        )
        assert periodic_run_due(now=T0, only="test.count") == []
        assert calls == []

    def test_a_failing_job_is_recorded_and_does_not_stop_the_others(self):
        def failing():
            get_user_model().objects.create(username="written-by-failing-job")
            raise RuntimeError("the mail server is down")

        self.register("test.a_failing", failing)
        calls = self.counting_job("test.b_after", message="ok")

        with self.assertLogs("huunghi.core.services", level="ERROR") as logs:
            results = {name: (ok, msg) for name, ok, msg in periodic_run_due(now=T0)}

        ok, message = results["test.a_failing"]
        assert ok is False
        assert "RuntimeError: the mail server is down" in message
        assert results["test.b_after"] == (True, "ok")
        assert len(calls) == 1
        failed = PeriodicJobState.objects.get(name="test.a_failing")
        assert failed.last_ok is False
        assert "the mail server is down" in failed.last_message
        assert PeriodicJobState.objects.get(name="test.b_after").last_ok is True
        assert any("test.a_failing" in line for line in logs.output)
        # what the failing job wrote before it failed is rolled back
        assert not get_user_model().objects.filter(username="written-by-failing-job").exists()

    def test_a_failed_job_is_retried_when_next_due(self):
        attempts = []

        def flaky():
            attempts.append(1)
            if len(attempts) == 1:
                raise ValueError("first time fails")
            return "recovered"

        self.register("test.flaky", flaky)
        with self.assertLogs("huunghi.core.services", level="ERROR"):
            periodic_run_due(now=T0, only="test.flaky")
        assert periodic_run_due(now=T0 + HOUR / 2, only="test.flaky") == []
        assert periodic_run_due(now=T0 + HOUR, only="test.flaky") == [
            ("test.flaky", True, "recovered")
        ]
        state = PeriodicJobState.objects.get(name="test.flaky")
        assert (state.last_ok, state.last_message) == (True, "recovered")

    def test_each_job_follows_its_own_interval(self):
        hourly = self.counting_job("test.hourly", every=HOUR)
        daily = self.counting_job("test.daily", every=24 * HOUR)
        for hours in range(0, 25):
            periodic_run_due(now=T0 + hours * HOUR, only="test.hourly")
            periodic_run_due(now=T0 + hours * HOUR, only="test.daily")
        assert len(hourly) == 25
        assert len(daily) == 2

    def test_core_clears_expired_sessions(self):
        now = timezone.now()
        Session.objects.create(
            session_key="old", session_data="", expire_date=now - datetime.timedelta(days=1)
        )
        Session.objects.create(
            session_key="live", session_data="", expire_date=now + datetime.timedelta(days=1)
        )
        results = periodic_run_due(only="core.clear_expired_sessions")
        assert results == [("core.clear_expired_sessions", True, "1 expired sessions removed")]
        assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


class RunPeriodicCommandTests(PeriodicJobTestCase):
    def test_prints_one_line_per_job_run(self):
        self.counting_job("test.count", message="2 flags raised")
        out = io.StringIO()
        call_command("run_periodic", job="test.count", stdout=out)
        assert out.getvalue().splitlines() == ["[OK] test.count 2 flags raised"]
        out = io.StringIO()
        call_command("run_periodic", job="test.count", stdout=out)
        assert out.getvalue() == ""  # not due again yet

    def test_reports_a_failure(self):
        def failing():
            raise RuntimeError("boom")

        self.register("test.failing", failing)
        out = io.StringIO()
        with self.assertLogs("huunghi.core.services", level="ERROR"):
            call_command("run_periodic", job="test.failing", stdout=out)
        assert out.getvalue().startswith("[FAILED] test.failing")
        assert "RuntimeError: boom" in out.getvalue()


class LoadDemoCommandTests(TestCase):
    def test_loads_the_demo_and_prints_the_logins_and_running_it_again_changes_nothing(self):
        from huunghi.orgs.models import Organization, Role

        out = io.StringIO()
        call_command("load_demo", stdout=out)
        text = out.getvalue()
        assert "huunghi-demo-2026" in text
        assert "quantri.trunguong" in text
        assert "xem.dongthap" in text
        counts = (
            Organization.objects.count(),
            Role.objects.count(),
            get_user_model().objects.count(),
        )
        assert (
            get_user_model()
            .objects.get(username="xem.dongthap")
            .check_password("huunghi-demo-2026")
        )

        call_command("load_demo", stdout=io.StringIO())
        assert counts == (
            Organization.objects.count(),
            Role.objects.count(),
            get_user_model().objects.count(),
        )


def _write_catalogue(base: Path, language: str, entries, *, compile_mo=True):
    folder = base / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
    for msgid, msgstr, flags in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=list(flags)))
    po.save(str(folder / "django.po"))
    if compile_mo:
        po.save_as_mofile(str(folder / "django.mo"))
    return folder


class CatalogueCommandTests(TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.locale = Path(tmp.name)

    def check(self):
        out = io.StringIO()
        with override_settings(LOCALE_PATHS=[str(self.locale)]):
            call_command("catalogue", "--check", stdout=out)
        return out.getvalue()

    def test_complete_catalogues_pass(self):
        _write_catalogue(self.locale, "vi", [("Trash", "Thùng rác", ())])
        _write_catalogue(self.locale, "en", [("Trash", "", ())])
        assert "catalogues OK" in self.check()

    def test_an_untranslated_vietnamese_message_fails(self):
        _write_catalogue(self.locale, "vi", [("Trash", "Thùng rác", ()), ("Restore", "", ())])
        with self.assertRaisesMessage(CommandError, "untranslated “Restore”"):
            self.check()

    def test_a_fuzzy_translation_fails(self):
        _write_catalogue(self.locale, "vi", [("Restore", "Khôi phục", ("fuzzy",))])
        with self.assertRaisesMessage(CommandError, "untranslated “Restore”"):
            self.check()

    def test_a_missing_compiled_catalogue_fails(self):
        _write_catalogue(self.locale, "vi", [("Trash", "Thùng rác", ())], compile_mo=False)
        with self.assertRaisesMessage(CommandError, "missing"):
            self.check()

    def test_a_compiled_catalogue_out_of_date_fails(self):
        folder = _write_catalogue(self.locale, "vi", [("Trash", "Thùng rác", ())])
        po = polib.pofile(str(folder / "django.po"))
        po.append(polib.POEntry(msgid="Restore", msgstr="Khôi phục"))
        po.save()
        with self.assertRaisesMessage(CommandError, "does not match"):
            self.check()

    def test_the_project_ships_a_vietnamese_catalogue_that_checks_ok(self):
        from huunghi.core.management.commands.catalogue import catalogues

        assert any(path.parent.parent.name == "vi" for path in catalogues())
        out = io.StringIO()
        call_command("catalogue", "--check", stdout=out)
        assert "catalogues OK" in out.getvalue()
