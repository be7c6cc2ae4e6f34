"""Keep the translation catalogue honest: compiled .mo files must match the .po files,
and every message of ours must be translated (no empty or fuzzy entries)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from huunghi.core.catalogues import format_specs_match


def catalogues():
    for base in settings.LOCALE_PATHS:
        yield from sorted(Path(base).glob("*/LC_MESSAGES/*.po"))


def _entries(catalogue):
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in catalogue
        if (e.msgstr or any(e.msgstr_plural.values())) and not e.obsolete
    }


def fill_from_other_catalogues():
    """A string of ours that Wagtail or Django also uses ("Yes", "Actions") takes the
    translation already reviewed in another of our catalogues, so it reads the same."""
    by_language: dict[str, dict] = {}
    for po_path in catalogues():
        language = po_path.parent.parent.name
        for entry in polib.pofile(str(po_path)):
            if entry.translated() and "fuzzy" not in entry.flags:
                by_language.setdefault(language, {})[(entry.msgctxt, entry.msgid)] = entry
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        known = by_language.get(po_path.parent.parent.name, {})
        changed = False
        for entry in po:
            source = known.get((entry.msgctxt, entry.msgid))
            if source is not None and (not entry.translated() or "fuzzy" in entry.flags):
                entry.msgstr, entry.msgstr_plural = source.msgstr, dict(source.msgstr_plural)
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                changed = True
        if changed:
            po.save(str(po_path))


class Command(BaseCommand):
    help = "Check (--check) or rebuild (--update, needs GNU gettext) the translation catalogues."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--update", action="store_true")

    def handle(self, *args, check=False, update=False, **options):
        if update:
            call_command(
                "makemessages",
                locale=["vi", "en"],
                ignore_patterns=[".venv/*", "var/*", "tests/*", "*/tests/*", "bench/*"],
                no_obsolete=True,
            )
            fill_from_other_catalogues()
            for po_path in catalogues():
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path}")
            return
        problems = []
        for po_path in catalogues():
            po = polib.pofile(str(po_path))
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists():
                problems.append(f"{mo_path}: missing (run `make messages`)")
                continue
            if _entries(po) != _entries(polib.mofile(str(mo_path))):
                problems.append(f"{mo_path}: does not match {po_path.name} (run `make messages`)")
            for entry in po:
                translated = entry.msgstr or entry.msgstr_plural.get(0, "")
                if entry.translated() and not format_specs_match(entry, translated):
                    problems.append(f"{po_path}: placeholders differ in “{entry.msgid}”")
            if po_path.parent.parent.name != "en":
                for entry in po:
                    if entry.obsolete:
                        continue
                    if not entry.translated() or "fuzzy" in entry.flags:
                        where = ", ".join(f"{f}:{line}" for f, line in entry.occurrences[:2])
                        problems.append(f"{po_path}: untranslated “{entry.msgid}” ({where})")
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("catalogues OK")
