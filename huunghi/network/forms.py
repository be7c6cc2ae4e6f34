"""Forms of associations and chapters: the profile and, in the same form, the organisation
of the tree it is (parent, names, dates, place)."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from huunghi.core.text import normalise
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.forms import ScopedAdminForm
from huunghi.orgs.models import Organization
from huunghi.places.models import AdministrativeUnit

#: organisation fields edited together with the profile
ORG_FIELDS = ("name_vi", "name_en", "short_name_vi", "valid_from", "valid_to", "unit")


def unique_code(parent: Organization, name: str) -> str:
    base = f"{parent.code}-{slugify(normalise(name))}"[:70].strip("-")
    code, n = base, 1
    while Organization.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


class OrganizationProfileForm(ScopedAdminForm):
    parent_kinds: tuple[str, ...] = ()

    parent = forms.ModelChoiceField(label=_("Belongs to"), queryset=None)
    name_vi = forms.CharField(label=_("name (Vietnamese)"), max_length=255)
    name_en = forms.CharField(label=_("name (English)"), max_length=255, required=False)
    short_name_vi = forms.CharField(label=_("short name"), max_length=120, required=False)
    valid_from = forms.DateField(label=_("founded on"), required=False)
    valid_to = forms.DateField(
        label=_("closed on"),
        required=False,
        help_text=_("Last day of activity (dissolution, or the day before a merger)."),
    )
    unit = forms.ModelChoiceField(
        label=_("administrative unit"), queryset=AdministrativeUnit.objects.all(), required=False
    )

    def __init__(self, *args, for_user=None, **kwargs):
        from huunghi.orgs.viewsets import unit_chooser_viewset

        self.base_fields["parent"].queryset = Organization.objects.filter(
            kind__in=self.parent_kinds
        )
        self.base_fields["unit"].widget = unit_chooser_viewset.widget_class()
        super().__init__(*args, for_user=for_user, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]
            org = self.instance.organization
            for name in ORG_FIELDS:
                self.initial.setdefault(
                    name, getattr(org, f"{name}_id" if name == "unit" else name)
                )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date is before the start date."))
        return cleaned

    def organization_values(self) -> dict:
        return {
            name: self.cleaned_data.get(name) or ("" if name.endswith(("_vi", "_en")) else None)
            for name in ORG_FIELDS
        }

    def save_organization(self):
        """Write the organisation fields of an existing profile."""
        org = self.instance.organization
        for name, value in self.organization_values().items():
            setattr(org, name, value)
        org.full_clean(exclude=["path", "depth", "numchild"])
        org.save()


class AssociationForm(OrganizationProfileForm):
    parent_kinds = (OrgKind.NATIONAL_UNION, OrgKind.PROVINCIAL_UNION)

    def clean_partner_countries(self):
        countries = self.cleaned_data["partner_countries"]
        if not countries:
            raise forms.ValidationError(_("Choose at least one partner country."))
        return countries


class ChapterForm(OrganizationProfileForm):
    parent_kinds = (OrgKind.ASSOCIATION, OrgKind.PROVINCIAL_UNION, OrgKind.NATIONAL_UNION)

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is not None and unit.level not in ("commune", "district"):
            self.add_error("unit", _("A chapter is located in a commune (or a former district)."))
        return cleaned
