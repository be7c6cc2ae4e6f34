"""What the translation tooling and its checks share: which packages' admin strings we
translate, and how a translation must keep the msgid's format specifiers."""

import re
from pathlib import Path

import polib

#: where the installed packages live (polib sits beside them)
SITE_PACKAGES = Path(polib.__file__).resolve().parent

#: the packages whose admin strings reach our users
ADMIN_PACKAGES = [
    "wagtail/admin",
    "wagtail",
    "wagtail/users",
    "wagtail/snippets",
    "wagtail/documents",
    "wagtail/images",
    "wagtail/search",
    "wagtail/contrib/forms",
    "wagtail/contrib/redirects",
    "wagtail/contrib/settings",
    "wagtail/embeds",
    "wagtail/sites",
    "django/conf",
    "django/contrib/auth",
    "django/contrib/contenttypes",
]

FORMAT_SPEC = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")


def format_specs(text: str | None) -> list[str]:
    """The ``%(name)s``, ``%s`` and ``{name}`` specifiers of ``text``, sorted."""
    return sorted(FORMAT_SPEC.findall(text or ""))


def format_specs_match(entry, translated: str) -> bool:
    """Whether ``translated`` keeps the specifiers of ``entry``'s msgid. A plural form
    (Vietnamese has one) may use any of the singular's and the plural's."""
    if entry.msgid_plural:
        allowed = set(format_specs(entry.msgid)) | set(format_specs(entry.msgid_plural))
        return set(format_specs(translated)) <= allowed
    return format_specs(translated) == format_specs(entry.msgid)
