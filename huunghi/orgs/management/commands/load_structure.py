from django.core.management.base import BaseCommand

from huunghi.orgs.structure import structure_load


class Command(BaseCommand):
    help = "Create or update the national structure: VUFO, provincial unions, clusters."

    def handle(self, *args, **options):
        result = structure_load()
        self.stdout.write(
            f"{result['current_unions']} provincial unions today, "
            f"{result['closed_unions']} closed on 30/06/2025"
        )
