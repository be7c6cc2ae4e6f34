"""Build the project's Vietnamese catalogue of the admin: Wagtail's and Django's own strings.

    python scripts/admin_catalogue.py export   # untranslated msgids → var/i18n/todo-N.po
    python scripts/admin_catalogue.py merge    # var/i18n/done-*.po → locale-admin/vi (compiled)

``locale-admin`` is in LOCALE_PATHS after ``locale`` (our own strings, from makemessages), and
both take precedence over the packages' own catalogues, so a string translated here is
translated everywhere it appears, with the glossary's terms. ``export`` skips what
``locale-admin`` already has, so a Wagtail upgrade yields only its new strings to translate.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from huunghi.core.catalogues import (  # noqa: E402 (needs the project on the path)
    ADMIN_PACKAGES,
    SITE_PACKAGES,
    format_specs_match,
)

SITE = SITE_PACKAGES
PACKAGES = ADMIN_PACKAGES
WORK = ROOT / "var" / "i18n"
CHUNKS = 5


def source_entries():
    """(domain, package, entry) for every live msgid of the installed admin apps, English side."""
    seen = set()
    for package in PACKAGES:
        for domain in ("django", "djangojs"):
            path = SITE / package / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                continue
            for entry in polib.pofile(str(path)):
                key = (domain, entry.msgctxt, entry.msgid)
                if entry.obsolete or not entry.msgid or key in seen:
                    continue
                seen.add(key)
                yield domain, package, entry


def package_translation(package, domain, entry):
    path = SITE / package / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return None
    catalogue = _cache.setdefault(path, polib.pofile(str(path)))
    found = catalogue.find(entry.msgid, msgctxt=entry.msgctxt)
    return (
        found if found is not None and found.translated() and "fuzzy" not in found.flags else None
    )


_cache: dict = {}


def project_catalogue(domain):
    path = ROOT / "locale-admin" / "vi" / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        po = polib.POFile()
        po.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Language": "vi",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
        po.save(str(path))
    return path, polib.pofile(str(path))


def export():
    WORK.mkdir(parents=True, exist_ok=True)
    todo = []
    for domain, package, entry in source_entries():
        _path, ours = project_catalogue(domain)
        mine = ours.find(entry.msgid, msgctxt=entry.msgctxt)
        if mine is not None and mine.translated():
            continue
        theirs = package_translation(package, domain, entry)
        new = polib.POEntry(
            msgid=entry.msgid,
            msgid_plural=entry.msgid_plural,
            msgctxt=entry.msgctxt,
            msgstr="",
            msgstr_plural={0: ""} if entry.msgid_plural else {},
            occurrences=[(f"{package}:{f}", n) for f, n in entry.occurrences[:3]],
            flags=[f for f in entry.flags if f != "fuzzy"],
            comment=f"domain={domain}",
        )
        if theirs is not None:
            # The package's translation, to review against the glossary.
            new.tcomment = "package: " + (theirs.msgstr or theirs.msgstr_plural.get(0, ""))
        todo.append(new)
    size = -(-len(todo) // CHUNKS)
    for n in range(CHUNKS):
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "vi"}
        po.extend(todo[n * size : (n + 1) * size])
        po.save(str(WORK / f"todo-{n + 1}.po"))
    print(f"{len(todo)} entries in {CHUNKS} files under {WORK}")


def merge():
    added = 0
    targets = {}
    for done in sorted(WORK.glob("done-*.po")):
        for entry in polib.pofile(str(done)):
            domain = "djangojs" if "domain=djangojs" in (entry.comment or "") else "django"
            if not entry.translated() or "fuzzy" in entry.flags:
                continue
            translated = entry.msgstr or entry.msgstr_plural.get(0, "")
            if not format_specs_match(entry, translated):
                print(f"skipped, placeholders differ: {entry.msgid!r} → {translated!r}")
                continue
            path, ours = targets.get(domain) or project_catalogue(domain)
            targets[domain] = (path, ours)
            existing = ours.find(entry.msgid, msgctxt=entry.msgctxt)
            if existing is not None:
                ours.remove(existing)
            entry.tcomment = ""
            ours.append(entry)
            added += 1
    for path, ours in targets.values():
        ours.save(str(path))
        ours.save_as_mofile(str(path.with_suffix(".mo")))
    print(f"{added} entries merged")


if __name__ == "__main__":
    {"export": export, "merge": merge}[sys.argv[1]]()
