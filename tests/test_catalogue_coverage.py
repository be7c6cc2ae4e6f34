"""Every string a user can meet in the admin has a Vietnamese translation.

For each msgid of the Wagtail and Django catalogues of the installed admin apps, and each of
ours, the Vietnamese the user gets (our catalogues first, as Django loads them) must exist,
differ from the English unless the word is the same in Vietnamese (listed with a reason),
and keep the placeholders.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from huunghi.core.catalogues import (
    ADMIN_PACKAGES,
    FORMAT_SPEC,
    SITE_PACKAGES,
    format_specs_match,
)

SITE = SITE_PACKAGES
PACKAGES = ADMIN_PACKAGES
#: msgids that read the same in Vietnamese, and why
SAME_IN_VIETNAMESE = {
    "Email": "the usual Vietnamese word for e-mail",
    "URL": "technical term, used as is",
    "Slug": "technical term, used as is",
    "slug": "technical term, used as is",
    "ID": "identifier, used as is",
    "API": "technical term",
    "Wagtail": "product name",
    "Django": "product name",
    "Markdown": "format name",
    "CSV": "format name",
    "XLSX": "format name",
    "JSON": "format name",
    "HTML": "format name",
    "PDF": "format name",
    "Bugzilla": "product name",
    "OK": "used as is",
    "Singapore": "country name, same in Vietnamese",
    "Wagtail API v2": "module name",
    "Wagtail API v3": "module name",
    "Wagtail routablepage": "module name",
    "IPv4": "protocol name",
    "IPv6": "protocol name",
    "%(size)d byte": "the unit is written byte in Vietnamese too",
    "%s KB": "unit",
    "%s MB": "unit",
    "%s GB": "unit",
    "%s TB": "unit",
    "%s PB": "unit",
    "salt": "cryptographic term in the password hasher's details, used as is",
}


def _no_words(text: str) -> bool:
    """Only placeholders, spaces and punctuation: nothing to translate."""
    return not re.search(r"[^\W\d_]", FORMAT_SPEC.sub("", text))


def _catalogue(path):
    return polib.pofile(str(path)) if path.exists() else polib.POFile()


def _ours(domain):
    entries = {}
    for base in reversed(settings.LOCALE_PATHS):  # the first path wins, as in Django
        for e in _catalogue(Path(base) / "vi" / "LC_MESSAGES" / f"{domain}.po"):
            if e.translated() and "fuzzy" not in e.flags and not e.obsolete:
                entries[(e.msgctxt, e.msgid)] = e
    return entries


def _sources():
    for package in PACKAGES:
        for domain in ("django", "djangojs"):
            en = SITE / package / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
            if not en.exists():
                continue
            vi = _catalogue(SITE / package / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.po")
            for entry in polib.pofile(str(en)):
                if not entry.obsolete and entry.msgid:
                    yield package, domain, entry, vi


def _problems():
    problems = []
    ours = {domain: _ours(domain) for domain in ("django", "djangojs")}
    for package, domain, entry, vi in _sources():
        found = ours[domain].get((entry.msgctxt, entry.msgid))
        if found is None:
            theirs = vi.find(entry.msgid, msgctxt=entry.msgctxt)
            found = theirs if theirs is not None and theirs.translated() else None
        where = f"{package} ({domain}): {entry.msgid!r}"
        if found is None:
            problems.append(f"untranslated — {where}")
            continue
        text = found.msgstr or found.msgstr_plural.get(0, "")
        same = text.strip() == entry.msgid.strip()
        if same and entry.msgid.strip() not in SAME_IN_VIETNAMESE and not _no_words(entry.msgid):
            problems.append(f"same as English — {where}")
        if not format_specs_match(entry, text):
            problems.append(f"placeholders differ — {where}: {text!r}")
    return problems


@pytest.mark.django_db(databases=[])
def test_every_admin_string_has_vietnamese():
    problems = _problems()
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems[:60])
