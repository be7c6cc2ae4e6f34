import time

from django.core.management.base import BaseCommand, CommandError

from huunghi.orgs.scale import SIZES, scale_generate, scale_summary, tree_problems


class Command(BaseCommand):
    help = (
        "Create a synthetic data set for benchmarks on top of the national structure "
        "(idempotent: a second run with the same size and seed creates nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--no-check",
            action="store_true",
            help="Skip treebeard's consistency check of the tree afterwards.",
        )

    def handle(self, *args, size, seed, no_check, **options):
        self.stdout.write(f"generate_scale --size {size} --seed {seed}")
        result = scale_generate(size, seed, log=lambda message: self.stdout.write(f"  {message}"))
        self.stdout.write(f"created {result.created or 'nothing'} in {result.seconds:.2f} s")
        if not no_check:
            started = time.perf_counter()
            problems = tree_problems()
            seconds = time.perf_counter() - started
            if problems:
                raise CommandError(f"the organisation tree is inconsistent: {problems}")
            self.stdout.write(f"tree consistent (treebeard find_problems, {seconds:.2f} s)")
        for group, counts in scale_summary().items():
            line = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            self.stdout.write(f"{group}: {line}")
