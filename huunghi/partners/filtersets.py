"""Filters of the partner registry's list pages (also applied to their exports)."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from huunghi.aid.models import Sector
from huunghi.places.models import AdministrativeUnit, CodeSystem, Country, UnitLevel

from .choices import CertificateKind, InteractionKind, PartnerKind
from .models import Certificate, Interaction, Partner
from .selectors import EXPIRY_WARNING_DAYS


def _partner_countries(request):
    """Only the countries some partner is in (not all 250)."""
    used = Partner.objects.filter(deleted_at__isnull=True)
    return Country.objects.filter(
        Q(pk__in=used.values("country"))
        | Q(pk__in=Partner.countries.through.objects.filter(partner__in=used).values("country"))
    )


class PartnerFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=PartnerKind.choices)
    country = django_filters.ModelChoiceFilter(
        label=_("country"),
        queryset=_partner_countries,
        method="filter_country",
        help_text=_("The country of headquarters or one of the other countries."),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("sector of interest"), field_name="sectors", queryset=Sector.objects.all()
    )

    class Meta:
        model = Partner
        fields = ["kind", "country", "sector"]

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        other = Partner.countries.through.objects.filter(partner=OuterRef("pk"), country=value)
        return queryset.filter(Q(country=value) | Q(Exists(other)))


EXPIRY_CHOICES = [
    ("expiring", _("Expiring within 90 days")),
    ("expired", _("Expired")),
    ("valid", _("Not expired")),
]


class CertificateFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=CertificateKind.choices)
    expiry = django_filters.ChoiceFilter(
        label=_("expiry"), choices=EXPIRY_CHOICES, method="filter_expiry"
    )
    province = django_filters.ModelChoiceFilter(
        label=_("province"),
        field_name="provinces",
        queryset=AdministrativeUnit.objects.filter(
            code_system=CodeSystem.GSO_2025, level=UnitLevel.PROVINCE
        ).order_by("name"),
    )

    class Meta:
        model = Certificate
        fields = ["kind", "expiry", "province"]

    def filter_expiry(self, queryset, name, value):
        today = timezone.localdate()
        if value == "expiring":
            return queryset.filter(
                expires_on__gte=today,
                expires_on__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
            )
        if value == "expired":
            return queryset.filter(expires_on__lt=today)
        if value == "valid":
            return queryset.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        return queryset


class InteractionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=InteractionKind.choices)
    date = django_filters.DateFromToRangeFilter(label=_("date"), widget=DateRangePickerWidget)
    mine = django_filters.BooleanFilter(
        label=_("my relationships only"),
        method="filter_mine",
        widget=django_filters.widgets.BooleanWidget,
    )

    class Meta:
        model = Interaction
        fields = ["kind", "date", "mine"]

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(owner=self.request.user)
        return queryset
