"""Rendered pages speak one language: a Vietnamese-speaking user meets no English word in
the admin, and a user who chose English meets no Vietnamese in the interface.

Every admin page that needs no argument is opened, and each viewset's inspect, edit and
history pages for one record. English words are recognised by the vocabulary of the English
msgids (Wagtail's, Django's, ours) less every word that also occurs in Vietnamese
translations; Vietnamese by its letters with diacritics.
"""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation
from wagtail.admin.viewsets import viewsets as viewset_registry
from wagtail.models import Page
from wagtail.users.models import UserProfile

from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import Role
from huunghi.orgs.testing import samples
from huunghi.orgs.tests.factories import UserFactory, make_org
from huunghi.orgs.wagtail import ScopedModelViewSet

from .test_authorization_matrix import walk
from .test_catalogue_coverage import PACKAGES, SITE

#: English-looking words allowed on Vietnamese pages, and why
#: pages whose English words come from Wagtail itself and cannot be translated, and why
UNTRANSLATABLE_PAGES = {
    "/admin/sites/": "Wagtail 8.0 labels these columns with raw field names (wagtail/sites/views.py)",
    "/admin/sites/results/": "the same listing",
    "/admin/workflows/add/": "Wagtail 8.0's WorkflowPageForm.page has no label, so Django shows "
    "the field name (wagtail/admin/forms/workflows.py); national administrators only",
    "/admin/groups/new/": "Django stores permission names ('Can add …') in the database at "
    "migration time, and Wagtail translates its permission labels once, at import; groups "
    "are for national administrators only: roles, not groups, grant access in Hữu Nghị",
}
ALLOWED_ON_VIETNAMESE_PAGES = {
    "wagtail": "product name (logo, version)",
    "csv": "file format",
    "xlsx": "file format",
    "api": "technical term",
    "url": "technical term",
    "email": "Vietnamese uses the word",
    "slug": "technical term",
    "id": "identifier",
    "iso": "standard name",
    "gso": "statistics office code system",
}
#: the Vietnamese currency's name and sign, which English writes the same way
CURRENCY_WORDS = {"đồng", "đ"}
WORD = re.compile(r"[A-Za-zÀ-ỹĐđ]+")
VIETNAMESE_LETTERS = re.compile(
    r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]"
)


class VisibleText(HTMLParser):
    """Text a person sees: element text, and placeholder, title and aria-label attributes.
    With ``interface_only``, the data (table cells, choices, field values) is left out:
    names of people, places and organisations stay as entered in any language."""

    SKIP = {"script", "style", "template", "noscript", "svg"}
    DATA = {"td", "option", "textarea"}

    def __init__(self, interface_only=False):
        super().__init__()
        self.skip = 0
        self.parts = []
        if interface_only:
            self.SKIP = self.SKIP | self.DATA

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        if self.skip:
            return
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(content: str, interface_only=False) -> str:
    parser = VisibleText(interface_only)
    parser.feed(content)
    return html.unescape(" ".join(parser.parts))


def _catalogues(lang):
    paths = [
        SITE / p / "locale" / lang / "LC_MESSAGES" / f"{d}.po"
        for p in PACKAGES
        for d in ("django", "djangojs")
    ]
    paths += [Path(p) / lang / "LC_MESSAGES" / "django.po" for p in settings.LOCALE_PATHS]
    return [polib.pofile(str(p)) for p in paths if p.exists()]


def english_vocabulary() -> set[str]:
    english, vietnamese = set(), set()
    placeholder = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}|<[^>]+>")
    for po in _catalogues("en"):
        for e in po:
            for w in WORD.findall(placeholder.sub(" ", f"{e.msgid} {e.msgid_plural}")):
                if len(w) >= 3:
                    english.add(w.lower())
    for po in _catalogues("vi"):
        for e in po:
            for w in WORD.findall(placeholder.sub(" ", e.msgstr or e.msgstr_plural.get(0, ""))):
                vietnamese.add(w.lower())
    return english - vietnamese - set(ALLOWED_ON_VIETNAMESE_PAGES)


def data_words() -> set[str]:
    """Words of data that stay as they are in any language: place and country names,
    organisation codes, time-zone names, Wagtail's default site, page and workflow names."""
    import zoneinfo

    from wagtail.models import Site, Workflow

    from huunghi.aid.models import AidForm, BeneficiaryGroup, Sector
    from huunghi.orgs.models import Organization
    from huunghi.places.models import AdministrativeUnit, Country

    texts = [
        *AdministrativeUnit.objects.values_list("name", flat=True),
        *Country.objects.values_list("name_vi", flat=True),
        *Organization.objects.values_list("code", flat=True),
        *(zone.replace("/", " ").replace("_", " ") for zone in zoneinfo.available_timezones()),
        *Site.objects.values_list("site_name", "hostname").__iter__().__next__(),
        *Page.objects.values_list("title", flat=True),
        *Workflow.objects.values_list("name", flat=True),
        *get_user_model().objects.values_list("username", flat=True),
        # the English names of aid reference data, shown beside the Vietnamese ones
        *(
            name
            for model in (Sector, AidForm, BeneficiaryGroup)
            for name in model.objects.values_list("name_en", flat=True)
        ),
    ]
    return {w.lower() for text in texts if text for w in WORD.findall(text.replace("_", " "))}


class RenderedLanguageTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        root = make_org(
            None,
            code="vufo",
            kind=OrgKind.NATIONAL_UNION,
            name_vi="Liên hiệp các tổ chức hữu nghị Việt Nam",
        )
        cls.province = make_org(
            root,
            code="dong_thap",
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp",
        )
        cls.user = UserFactory(username="ngon_ngu", first_name="Lan", last_name="Nguyễn")
        Role.objects.create(
            user=cls.user, organization=root, role=RoleKind.ADMIN, personal_data=True
        )
        cls.records = {model: make(cls.province) for model, make in samples().items()}
        cls.english = english_vocabulary() - data_words()

    def pages(self):
        """(label, url) of every admin page the matrix knows that renders for an admin."""
        urls = []
        skip = ("wagtailadmin_logout", "wagtailadmin_error_test", "wagtailadmin_sprite")
        for name in sorted(set(walk(get_resolver().url_patterns))):
            if name.startswith(skip) or name in ("None", "home", "wagtail_serve"):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            if url.startswith("/admin/") and "/api/" not in url:
                urls.append((name, url))
        for viewset in viewset_registry.viewsets:
            if isinstance(viewset, ScopedModelViewSet) and viewset.model in self.records:
                pk = self.records[viewset.model].pk
                urls.append((f"{viewset.url_namespace}:add", reverse(viewset.get_url_name("add"))))
                for view in ("inspect", "edit", "history", "delete"):
                    urls.append(
                        (
                            f"{viewset.url_namespace}:{view}",
                            reverse(viewset.get_url_name(view), args=[pk]),
                        )
                    )
        return urls

    def render(self, url, language):
        profile = UserProfile.get_for_user(self.user)
        profile.preferred_language = language
        profile.save()
        self.client.force_login(self.user)
        with translation.override(language):
            response = self.client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return None
        return visible_text(response.content.decode(), interface_only=language == "en")

    def test_vietnamese_pages_have_no_english_words(self):
        Page.objects.get(depth=1)  # the tree root exists: the page explorer renders
        found = {}
        for name, url in self.pages():
            text = self.render(url, "vi")
            if text is None or url in UNTRANSLATABLE_PAGES:
                continue
            words = {w for w in WORD.findall(text) if w.lower() in self.english and not w.isupper()}
            if words:
                found[f"{name} {url}"] = sorted(words)
        self.assertEqual(found, {})

    def test_english_pages_have_no_vietnamese_interface_text(self):
        from wagtail.models import Task, Workflow

        from huunghi.aid.imports.columns import (
            ACTIVITY_COLUMNS,
            ACTIVITY_SHEET,
            TRANSACTION_COLUMNS,
            TRANSACTION_SHEET,
        )
        from huunghi.aid.models import AidActivity, AidTransaction, NeedsEdition
        from huunghi.aid.rate_import import RATE_COLUMNS
        from huunghi.network.imports import COLUMNS
        from huunghi.orgs.models import Organization
        from huunghi.partners.models import Certificate, Contact, Interaction, Partner
        from huunghi.people.models import Person

        # Data stays as entered, in Vietnamese; so does the platform's name.
        data = {str(obj) for obj in self.records.values()} | {
            settings.WAGTAIL_SITE_NAME,
            "Nguyễn",
            *Organization.objects.values_list("name_vi", flat=True),
            *(str(person) for person in Person.all_objects.all()),
            # the import files' sheets and column headers are Vietnamese in every language
            # (their format)
            *(column.header for column in COLUMNS),
            *(c.header for c in (*ACTIVITY_COLUMNS, *TRANSACTION_COLUMNS, *RATE_COLUMNS)),
            ACTIVITY_SHEET,
            TRANSACTION_SHEET,
            # names given to records: workflows and their tasks, catalog editions, partners
            *Workflow.objects.values_list("name", flat=True),
            *Task.objects.values_list("name", flat=True),
            *NeedsEdition.all_objects.values_list("title_vi", flat=True),
            *Partner.all_objects.values_list("name", flat=True),
            *AidActivity.all_objects.values_list("title_vi", flat=True),
            *AidTransaction.all_objects.values_list("description", flat=True),
            *Certificate.all_objects.values_list("number", flat=True),
            *Certificate.all_objects.values_list("issuer", flat=True),
            *Interaction.all_objects.values_list("subject", flat=True),
            *Contact.all_objects.values_list("role", flat=True),
        }
        found = {}
        for name, url in self.pages():
            text = self.render(url, "en")
            if text is None or url in UNTRANSLATABLE_PAGES:
                continue
            for value in sorted(data, key=len, reverse=True):
                text = text.replace(value, " ")
            # Money keeps the currency's own name and sign in English too ("1,250,000 đ" is
            # not translated: the đồng is called the đồng).
            words = {
                w
                for w in WORD.findall(text)
                if VIETNAMESE_LETTERS.search(w) and w.lower() not in CURRENCY_WORDS
            }
            if words:
                found[f"{name} {url}"] = sorted(words)
        self.assertEqual(found, {})
