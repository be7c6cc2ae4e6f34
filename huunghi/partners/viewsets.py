"""Admin viewsets of the partner registry: partners, their certificates, contacts and the
log of interactions, and the partner chooser.

Partners and certificates are a shared registry: every member of staff lists and opens all
of them, and the edit and delete buttons show only on rows the user may change (those kept
in their subtree). Contacts and interactions stay private to the organisation that keeps
them."""

from django.db.models import BooleanField, Case, Q, Value, When
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from huunghi.orgs import visibility
from huunghi.orgs.choices import Action
from huunghi.orgs.exports import PersonalExportViewSetMixin
from huunghi.orgs.wagtail import (
    ScopedChooserViewSet,
    ScopedCreateView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
)
from huunghi.people.exports import WITHDRAWN
from huunghi.people.forms import may_see_personal
from huunghi.people.models import Person
from huunghi.people.viewsets import PersonalColumn

from . import selectors
from .choices import PartnerKind
from .filtersets import CertificateFilterSet, InteractionFilterSet, PartnerFilterSet
from .forms import CertificateForm, ContactForm, InteractionForm, PartnerForm
from .models import Certificate, Contact, Interaction, Partner

#: fields of an individual donor that are the person's personal data
INDIVIDUAL_PERSONAL_FIELDS = ("email", "phone", "address_in_vietnam")
HIDDEN = "—"


def _joined(values) -> str:
    return ", ".join(str(v) for v in values)


class ChangeFlagIndexMixin:
    """For the lists of the shared registry: each row says whether the user may change it
    (one subquery), so edit and delete are offered only where they would work."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        allowed = self.model._default_manager.visible_to(self.request.user, Action.CHANGE)
        return queryset.annotate(
            may_change=Case(
                When(pk__in=allowed.values("pk"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if getattr(instance, "may_change", False) else None

    def get_delete_url(self, instance):
        if not getattr(instance, "may_change", False):
            return None
        return super().get_delete_url(instance)


class InstanceButtonsInspectMixin:
    """Edit and delete buttons on an inspect page only when the user may do them on this
    record (Wagtail asks about the model only)."""

    def get_edit_url(self):
        policy = self.permission_policy
        if policy and not policy.user_has_permission_for_instance(
            self.request.user, "change", self.object
        ):
            return None
        return super().get_edit_url()

    def get_delete_url(self):
        policy = self.permission_policy
        if policy and not policy.user_has_permission_for_instance(
            self.request.user, "delete", self.object
        ):
            return None
        return super().get_delete_url()


class PartnerPrefillMixin:
    """``?partner=<id>`` on an add page presets the partner (from the partner's page)."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance()
        pk = self.request.GET.get("partner", "")
        if pk.isdigit():
            partner = (
                Partner.objects.visible_to(self.request.user, Action.VIEW).filter(pk=pk).first()
            )
            if partner is not None:
                instance = instance or self.model()
                instance.partner = partner
        return instance


# --- partners ------------------------------------------------------------------------------


def _with_personal_flag(queryset, user):
    """Mark each partner whose contact details the user may see: every organisation's, an
    individual donor's only with the personal-data permission on the person."""
    allowed = Person.objects.visible_to(user, Action.PERSONAL_DATA).values("pk")
    return queryset.annotate(
        contact_details_visible=Case(
            When(~Q(kind=PartnerKind.INDIVIDUAL) | Q(person__in=allowed), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


class PartnerIndexView(ChangeFlagIndexMixin, ScopedIndexView):
    #: export columns joining a many-to-many field: column → field
    joined_fields = {"country_list": "countries", "sector_list": "sectors"}

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Possible duplicates"),
                url=reverse("partners:partner_duplicate_list"),
                icon_name="resubmit",
            ),
        ]

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # The partner's page (certificates, contacts, interactions, aid) is its hub.
        column = super()._get_title_column(field_name, column_class, **kwargs)
        column._get_url_func = self.get_inspect_url
        return column

    def get_base_queryset(self):
        return _with_personal_flag(super().get_base_queryset(), self.request.user)

    def to_row_dict(self, item):
        for column, name in self.joined_fields.items():
            setattr(item, column, _joined(getattr(item, name).all()))
        row = super().to_row_dict(item)
        if not getattr(item, "contact_details_visible", True):
            for name in INDIVIDUAL_PERSONAL_FIELDS:
                if name in row:
                    row[name] = ""
        return row


class PartnerInspectView(InstanceButtonsInspectMixin, ScopedInspectView):
    """The partner's file: its details, its certificates, the contacts and interactions the
    user may see, possible duplicates, and the aid activities it gives to or carries out."""

    template_name = "partners/partner_inspect.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        partner = self.object
        if partner.kind == PartnerKind.INDIVIDUAL and not may_see_personal(
            request.user, partner.person
        ):
            self.fields = [f for f in self.fields if f not in INDIVIDUAL_PERSONAL_FIELDS]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, partner = self.request.user, self.object
        certificates = list(
            partner.certificates.filter(deleted_at__isnull=True)
            .prefetch_related("provinces")
            .order_by("-issued_on", "-pk")
        )
        for certificate in certificates:
            certificate.status = selectors.certificate_status(certificate)
            certificate.status_label = CertificateStatusColumn.labels[certificate.status]
        activities = list(selectors.partner_activity_list(user, partner)[:50])
        if activities:
            from huunghi.aid.models import AidActivity

            changeable = set(
                AidActivity.objects.visible_to(user, Action.CHANGE)
                .filter(pk__in=[a.pk for a in activities])
                .values_list("pk", flat=True)
            )
            finder = AdminURLFinder()
            for activity in activities:
                activity.admin_url = (
                    finder.get_edit_url(activity) if activity.pk in changeable else None
                )
        may_change = self.get_edit_url() is not None
        may_add = visibility.has_any(user, Action.CHANGE)
        duplicates = selectors.partner_match_list(
            user,
            name=partner.name,
            iati_identifier=partner.iati_identifier,
            acronym=partner.acronym,
            country=partner.country_id,
            exclude_pk=partner.pk,
        )
        mergeable = set()
        if may_change and duplicates:
            mergeable = set(
                Partner.objects.visible_to(user, Action.CHANGE)
                .filter(pk__in=[p.pk for p in duplicates])
                .values_list("pk", flat=True)
            )
        query = f"?partner={partner.pk}"
        context.update(
            certificates=certificates,
            contacts=selectors.partner_contact_list(user, partner),
            interactions=selectors.partner_interaction_list(user, partner)[:50],
            activities=activities,
            duplicates=[
                (
                    other,
                    reverse("partners:partner_merge", args=[partner.pk, other.pk])
                    if other.pk in mergeable
                    else None,
                )
                for other in duplicates
            ],
            add_certificate_url=reverse("certificates:add") + query if may_change else None,
            add_contact_url=reverse("partner_contacts:add") + query if may_add else None,
            add_interaction_url=reverse("interactions:add") + query if may_add else None,
        )
        return context


class PartnerCreateView(ScopedCreateView):
    """Before a new partner is saved, look for a visible partner with the same name, IATI
    identifier, or acronym in the same country: if there is one, show it and save only when
    the user ticks "This is not a duplicate"."""

    template_name = "partners/partner_create.html"
    confirm_field = "not_duplicate"
    duplicates = ()

    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        data = form.cleaned_data
        self.duplicates = selectors.partner_match_list(
            self.request.user,
            name=data.get("name", ""),
            iati_identifier=data.get("iati_identifier", ""),
            acronym=data.get("acronym", ""),
            country=data.get("country"),
        )[:20]
        if self.duplicates and not self.request.POST.get(self.confirm_field):
            self.produced_error_code = "possible_duplicate"
            self.produced_error_message = _(
                "A partner with the same name, IATI identifier or acronym and country "
                "already exists."
            )
            return False
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["duplicates"] = self.duplicates
        context["confirm_field"] = self.confirm_field
        context["confirmed"] = bool(self.request.POST.get(self.confirm_field))
        return context


class PartnerViewSet(ScopedModelViewSet):
    model = Partner
    icon = "site"
    menu_label = _("Partners")
    index_view_class = PartnerIndexView
    inspect_view_class = PartnerInspectView
    add_view_class = PartnerCreateView
    base_form_class = PartnerForm
    filterset_class = PartnerFilterSet
    list_select_related = ("country", "organization")
    list_prefetch_related = ("sectors", "countries")
    list_display = [
        "name",
        "acronym",
        "kind",
        "country",
        Column(
            "sectors",
            label=capfirst(_("sectors of interest")),
            accessor=lambda partner: _joined(partner.sectors.all()),
        ),
        "organization",
    ]
    list_export = [
        "name",
        "name_vi",
        "acronym",
        "kind",
        "country",
        "country_list",
        "headquarters",
        "address_in_vietnam",
        "iati_identifier",
        "website",
        "email",
        "phone",
        "sector_list",
        "organization",
    ]
    export_headings = {
        "country_list": capfirst(_("other countries")),
        "sector_list": capfirst(_("sectors of interest")),
    }
    export_filename = "doi-tac"
    search_fields = ["search_text"]
    ordering = ["name", "pk"]
    form_fields = [
        "organization",
        "kind",
        "name",
        "name_vi",
        "acronym",
        "country",
        "countries",
        "headquarters",
        "address_in_vietnam",
        "iati_identifier",
        "website",
        "email",
        "phone",
        "person",
        "sectors",
        "note",
    ]
    inspect_view_fields = [
        "kind",
        "name",
        "name_vi",
        "acronym",
        "country",
        "countries",
        "headquarters",
        "address_in_vietnam",
        "iati_identifier",
        "website",
        "email",
        "phone",
        "person",
        "sectors",
        "note",
        "organization",
    ]

    def get_urlpatterns(self):
        from .views import PartnerDuplicateListView, PartnerMergeView

        return [
            *super().get_urlpatterns(),
            path("duplicates/", PartnerDuplicateListView.as_view(), name="partner_duplicate_list"),
            path("merge/<int:pk_a>/<int:pk_b>/", PartnerMergeView.as_view(), name="partner_merge"),
        ]


class PartnerChooserViewSet(ScopedChooserViewSet):
    model = Partner
    icon = "site"
    choose_one_text = _("Choose a partner")
    choose_another_text = _("Choose another partner")


# --- certificates --------------------------------------------------------------------------


class CertificateStatusColumn(Column):
    """Expired, expiring within 90 days, valid, or without an expiry date."""

    cell_template_name = "partners/tables/certificate_status_cell.html"
    labels = {
        "expired": _("Expired"),
        "expiring": _("Expires within 90 days"),
        "valid": _("Valid"),
        "open": _("No expiry date"),
    }

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        status = selectors.certificate_status(instance)
        context.update(status=status, value=self.labels[status])
        return context


class CertificateIndexView(ChangeFlagIndexMixin, ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(partner__deleted_at__isnull=True)

    def search_queryset(self, queryset):
        # A certificate is found by its number or issuer, or by its partner's name.
        from huunghi.core.text import normalise

        for word in normalise(self.search_query or "").split():
            queryset = queryset.filter(
                Q(search_text__contains=word) | Q(partner__search_text__contains=word)
            )
        return queryset

    def to_row_dict(self, item):
        item.province_list = _joined(item.provinces.all())
        item.status_label = CertificateStatusColumn.labels[selectors.certificate_status(item)]
        return super().to_row_dict(item)


class CertificateCreateView(PartnerPrefillMixin, ScopedCreateView):
    pass


class CertificateInspectView(InstanceButtonsInspectMixin, ScopedInspectView):
    pass


class CertificateViewSet(ScopedModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = _("Registration certificates")
    index_view_class = CertificateIndexView
    add_view_class = CertificateCreateView
    inspect_view_class = CertificateInspectView
    base_form_class = CertificateForm
    filterset_class = CertificateFilterSet
    list_select_related = ("partner",)
    list_prefetch_related = ("provinces",)
    list_display = [
        "number",
        "partner",
        "kind",
        "issued_on",
        "expires_on",
        CertificateStatusColumn("status", label=capfirst(_("status"))),
        Column(
            "provinces",
            label=capfirst(_("provinces")),
            accessor=lambda c: _joined(c.provinces.all()),
        ),
    ]
    list_export = [
        "partner",
        "kind",
        "number",
        "issuer",
        "issued_on",
        "expires_on",
        "status_label",
        "province_list",
    ]
    export_headings = {
        "status_label": capfirst(_("status")),
        "province_list": capfirst(_("provinces")),
    }
    export_filename = "giay-dang-ky-pcpnn"
    search_fields = ["search_text"]
    ordering = ["expires_on", "number", "pk"]
    form_fields = [
        "partner",
        "kind",
        "number",
        "issuer",
        "issued_on",
        "expires_on",
        "provinces",
        "note",
    ]
    inspect_view_fields = [
        "partner",
        "kind",
        "number",
        "issuer",
        "issued_on",
        "expires_on",
        "provinces",
        "note",
    ]


# --- contacts ------------------------------------------------------------------------------


class ContactIndexView(ScopedIndexView):
    def get_base_queryset(self):
        allowed = Person.objects.visible_to(self.request.user, Action.PERSONAL_DATA).values("pk")
        return (
            super()
            .get_base_queryset()
            .filter(partner__deleted_at__isnull=True)
            .annotate(
                can_see_personal=Case(
                    When(person__in=allowed, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
        )


class ContactCreateView(PartnerPrefillMixin, ScopedCreateView):
    pass


class ContactInspectView(ScopedInspectView):
    """The person's phone and e-mail are shown only with the personal-data permission on
    the person."""

    personal = {"person_phone": "phone", "person_email": "email"}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not may_see_personal(request.user, self.object.person):
            self.fields = [f for f in self.fields if f not in self.personal]

    def get_field_label(self, field_name, field):
        if field_name in self.personal:
            return capfirst(Person._meta.get_field(self.personal[field_name]).verbose_name)
        return super().get_field_label(field_name, field)

    def get_person_phone_display_value(self):
        return self.object.person.phone or HIDDEN

    def get_person_email_display_value(self):
        return self.object.person.email or HIDDEN


class ContactViewSet(PersonalExportViewSetMixin, ScopedModelViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Partner contacts")
    index_view_class = ContactIndexView
    add_view_class = ContactCreateView
    inspect_view_class = ContactInspectView
    base_form_class = ContactForm
    personal_export_fields = ["person.phone", "person.email"]
    personal_subject_path = "person"
    personal_export_excluded = WITHDRAWN
    list_select_related = ("person", "partner", "organization")
    list_display = [
        "person",
        "partner",
        "role",
        "is_primary",
        PersonalColumn("person.phone", label=capfirst(_("phone"))),
        PersonalColumn("person.email", label=capfirst(_("e-mail"))),
        "organization",
    ]
    list_filter = ["is_primary"]
    list_export = ["person", "partner", "role", "is_primary", "valid_from", "valid_to"]
    export_filename = "dau-moi-doi-tac"
    search_fields = ["search_text"]
    ordering = ["partner__name", "-is_primary", "person__sort_key", "pk"]
    form_fields = [
        "organization",
        "partner",
        "person",
        "role",
        "is_primary",
        "valid_from",
        "valid_to",
    ]
    inspect_view_fields = [
        "partner",
        "person",
        "person_phone",
        "person_email",
        "role",
        "is_primary",
        "valid_from",
        "valid_to",
        "organization",
    ]


# --- interactions --------------------------------------------------------------------------


def user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class InteractionIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(partner__deleted_at__isnull=True)

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        if "owner" in row:
            row["owner"] = user_name(item.owner)
        return row


class InteractionInspectView(ScopedInspectView):
    def get_owner_display_value(self):
        return user_name(self.object.owner) or HIDDEN


class InteractionCreateView(PartnerPrefillMixin, ScopedCreateView):
    pass


class InteractionViewSet(ScopedModelViewSet):
    model = Interaction
    icon = "comment"
    menu_label = _("Interactions")
    index_view_class = InteractionIndexView
    add_view_class = InteractionCreateView
    inspect_view_class = InteractionInspectView
    base_form_class = InteractionForm
    filterset_class = InteractionFilterSet
    list_select_related = ("partner", "owner", "organization")
    list_display = [
        "subject",
        "date",
        "kind",
        "partner",
        Column(
            "owner", label=capfirst(_("relationship owner")), accessor=lambda i: user_name(i.owner)
        ),
        "organization",
    ]
    list_export = [
        "date",
        "kind",
        "partner",
        "subject",
        "summary",
        "owner",
        "follow_up",
        "follow_up_on",
        "organization",
    ]
    export_filename = "lam-viec-voi-doi-tac"
    search_fields = ["search_text"]
    ordering = ["-date", "-pk"]
    form_fields = [
        "organization",
        "partner",
        "kind",
        "date",
        "subject",
        "summary",
        "owner",
        "contacts",
        "follow_up",
        "follow_up_on",
    ]
    inspect_view_fields = [
        "partner",
        "kind",
        "date",
        "subject",
        "summary",
        "owner",
        "contacts",
        "follow_up",
        "follow_up_on",
        "organization",
    ]


partner_viewset = PartnerViewSet("partners")
partner_chooser_viewset = PartnerChooserViewSet("partner_chooser")


class PartnersGroup(ViewSetGroup):
    menu_label = _("Partners")
    menu_icon = "site"
    menu_order = 165
    items = (
        partner_viewset,
        CertificateViewSet("certificates"),
        ContactViewSet("partner_contacts"),
        InteractionViewSet("interactions"),
    )
