"""Forms of the partner registry: the organisation a new record belongs to is preset, a
certificate's provinces are chosen among provinces, and an interaction's owner defaults to
the user who records it."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huunghi.orgs import visibility
from huunghi.orgs.choices import NATIONAL_CODE, Action
from huunghi.orgs.forms import ScopedAdminForm
from huunghi.orgs.models import Organization, Role
from huunghi.places.models import AdministrativeUnit, UnitLevel

from .choices import CertificateKind
from .models import Contact

#: the longest a registration runs under Decree 58/2022 (FACTS.md §7), in years
MAX_YEARS = {
    CertificateKind.OPERATION: 3,
    CertificateKind.REPRESENTATIVE_OFFICE: 5,
}


def default_organization(user) -> Organization | None:
    """The organisation a new record of ``user`` most likely belongs to: the highest one on
    which the user may change records."""
    paths = visibility.scope_paths(user, Action.CHANGE)
    if paths is None:
        return Organization.objects.filter(code=NATIONAL_CODE).first()
    if not paths:
        return None
    return Organization.objects.filter(path__in=paths).order_by("depth", "path").first()


class OrganizationDefaultMixin:
    """On a new record, preset the organisation field to ``default_organization``."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("organization")
        if field is not None and for_user is not None and not self.instance.pk:
            if not self.is_bound and not self.initial.get("organization"):
                org = default_organization(for_user)
                if org is not None:
                    self.initial["organization"] = org.pk


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class PartnerForm(OrganizationDefaultMixin, ScopedAdminForm):
    class Meta(ScopedAdminForm.Meta):  # keeps Wagtail's choosers and date pickers
        widgets = {"sectors": forms.CheckboxSelectMultiple}


class CertificateForm(ScopedAdminForm):
    """A certificate belongs to a partner the user may change; its provinces are today's
    34 provinces, then the 63 earlier ones (for certificates issued before 1 July 2025)."""

    scope_field_actions = {"partner": Action.CHANGE}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("provinces")
        if field is not None:
            field.queryset = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by(
                "code_system", "name"
            )
            field.label_from_instance = self._province_label
            field.widget.attrs.setdefault("size", 12)

    @staticmethod
    def _province_label(unit):
        if unit.is_current:
            return unit.name
        return _("%(name)s (before 1 July 2025)") % {"name": unit.name}

    def clean(self):
        cleaned = super().clean()
        kind, issued, expires = (cleaned.get(n) for n in ("kind", "issued_on", "expires_on"))
        years = MAX_YEARS.get(kind)
        if years and issued and expires and expires > _add_years(issued, years):
            self.add_error(
                "expires_on",
                _(
                    "A %(kind)s runs at most %(years)s years: it cannot expire after "
                    "%(last)s when issued on %(issued)s."
                )
                % {
                    "kind": CertificateKind(kind).label,
                    "years": years,
                    "last": _add_years(issued, years).strftime("%d/%m/%Y"),
                    "issued": issued.strftime("%d/%m/%Y"),
                },
            )
        return cleaned


class ContactForm(OrganizationDefaultMixin, ScopedAdminForm):
    pass


class InteractionForm(OrganizationDefaultMixin, ScopedAdminForm):
    """The relationship owner defaults to the user recording the interaction and is chosen
    among the colleagues of the user's organisations; the people met among the partner's
    contacts the user sees."""

    class Meta(ScopedAdminForm.Meta):  # keeps Wagtail's choosers and date pickers
        widgets = {"contacts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None:
            return
        owner = self.fields.get("owner")
        if owner is not None:
            orgs = Organization.objects.visible_to(for_user, Action.CHANGE)
            colleagues = Role.objects.filter(organization__in=orgs).values("user")
            condition = Q(pk__in=colleagues) | Q(pk=for_user.pk)
            if self.instance.owner_id:
                condition |= Q(pk=self.instance.owner_id)
            owner.queryset = (
                get_user_model()
                .objects.filter(condition)
                .filter(is_active=True)
                .order_by("last_name", "first_name", "username")
            )
            owner.label_from_instance = lambda u: u.get_full_name() or u.get_username()
            if not self.instance.pk and not self.is_bound:
                self.initial["owner"] = for_user.pk
        people = self.fields.get("contacts")
        if people is not None:
            from huunghi.people.models import Person

            contacts = Contact.objects.visible_to(for_user, Action.VIEW)
            partner_id = self.instance.partner_id or self.initial.get("partner")
            if partner_id:
                contacts = contacts.filter(partner_id=partner_id)
            people.queryset = Person.objects.visible_to(for_user, Action.VIEW).filter(
                pk__in=contacts.values("person")
            )
            people.help_text = _("The partner's contacts you met (add them as contacts first).")

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if owner is None and not self.instance.pk:
            return self.for_user
        return owner

    def clean(self):
        cleaned = super().clean()
        partner, people = cleaned.get("partner"), cleaned.get("contacts")
        if partner is not None and people:
            known = set(
                Contact.objects.visible_to(self.for_user, Action.VIEW)
                .filter(partner=partner, person__in=people)
                .values_list("person_id", flat=True)
            )
            strangers = [str(p) for p in people if p.pk not in known]
            if strangers:
                self.add_error(
                    "contacts",
                    _("Not a contact of %(partner)s: %(people)s. Add them as contacts first.")
                    % {"partner": partner, "people": ", ".join(strangers)},
                )
        return cleaned
