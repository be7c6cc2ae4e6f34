from django.core.management.base import BaseCommand

from huunghi.places.services import places_load


class Command(BaseCommand):
    help = (
        "Load countries, the administrative units from 1 July 2025 and before, and the "
        "mapping between them. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, database, **options):
        places_load(stdout=self.stdout, using=database)
