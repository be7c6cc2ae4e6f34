"""Run the benchmarks (``make bench``): ``.venv/bin/python bench/run.py [name ...] [--runs N]``.

Uses a database of its own: ``var/bench.sqlite3`` by default, or the ``DATABASE_URL`` of the
environment (a PostgreSQL database that does not exist yet is created). Migrates it, makes
sure the national synthetic data set is there (``generate_scale --size national``: created
once, a second time creates nothing), then runs every ``bench/bench_*.py`` module, each of
which prints its figures. Nothing is asserted: figures depend on the machine.
"""

import argparse
import importlib
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# Time what production runs: no debug cursor wrapper recording every query.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")


def ensure_database(url: str) -> None:
    """Create the SQLite folder or the PostgreSQL database named by ``url`` if missing."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = unquote(parts.path)
        if path and path != "/:memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "psql"}:
        return
    import psycopg
    from psycopg import sql

    name = unquote(parts.path.lstrip("/"))
    conninfo = {
        "host": parts.hostname or "",
        "port": parts.port or 5432,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created PostgreSQL database {name}")


def modules(names: list[str]) -> list[str]:
    found = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if not names:
        return found
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in names]
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(found)}")
    return wanted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per figure")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    selected = modules(args.names)

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from huunghi.orgs.scale import scale_generate, scale_summary, tree_problems

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"migrated in {time.perf_counter() - started:.1f} s")

    result = scale_generate("national", args.seed, log=lambda message: print(f"  {message}"))
    if result.created:
        print(f"national data set generated in {result.seconds:.1f} s: {result.created}")
        started = time.perf_counter()
        problems = tree_problems()
        print(f"tree check ({time.perf_counter() - started:.1f} s): {problems or 'consistent'}")
        if problems:
            sys.exit(1)
    else:
        print(f"national data set present (checked in {result.seconds:.1f} s)")
    for group, counts in scale_summary().items():
        print(f"  {group}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    print(f"{version}, Python {platform.python_version()}, {platform.machine()}")

    for name in selected:
        module = importlib.import_module(f"bench.{name}")
        print()
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        module.run(runs=args.runs)


if __name__ == "__main__":
    main()
