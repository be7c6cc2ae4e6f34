from django.core.management.base import BaseCommand
from django.db import transaction

from huunghi.core import demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        logins = []
        with transaction.atomic():
            for _name, func in demo.steps():
                logins.extend(func() or [])
        self.stdout.write("")
        self.stdout.write(
            f"Tài khoản dùng thử / Demo logins (mật khẩu / password: {demo.DEMO_PASSWORD})"
        )
        for username, description in logins:
            self.stdout.write(f"  {username:<28} {description}")
        self.stdout.write("")
