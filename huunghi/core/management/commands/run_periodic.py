import time

from django.conf import settings
from django.core.management.base import BaseCommand

from huunghi.core.services import periodic_run_due


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (reminders, flags, clean-ups). --loop keeps running."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, checking every --interval seconds."
        )
        parser.add_argument("--interval", type=int, default=settings.PERIODIC_INTERVAL)
        parser.add_argument("--job", help="Run only this job (if due).")

    def handle(self, *args, loop=False, interval=120, job=None, **options):
        while True:
            for name, ok, message in periodic_run_due(only=job):
                status = "OK" if ok else "FAILED"
                self.stdout.write(f"[{status}] {name} {message}".rstrip())
            if not loop:
                return
            time.sleep(interval)
