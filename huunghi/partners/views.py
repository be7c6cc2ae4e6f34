"""Custom admin views on partners: possible duplicates, and the merge preview and
confirmation. Both scoped through ``ScopedViewMixin`` / the visibility rule."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from huunghi.orgs import visibility
from huunghi.orgs.choices import Action
from huunghi.orgs.views import AdminPageMixin, ScopedViewMixin

from . import selectors, services
from .models import Partner

#: the fields compared side by side in the merge preview
COMPARED_FIELDS = (
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
)


def _display(partner: Partner, name: str) -> str:
    field = Partner._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(o) for o in getattr(partner, name).all()) or "—"
    value = getattr(partner, name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(getattr(partner, f"get_{name}_display")())
    return str(value)


class PartnerDuplicateListView(AdminPageMixin, TemplateView):
    """Groups of partners that are probably one organisation, each pair with a link to
    compare and merge (shown when the user may change both)."""

    template_name = "partners/partner_duplicates.html"
    page_title = gettext_lazy("Possible duplicate partners")
    header_icon = "resubmit"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not visibility.has_any(request.user, Action.VIEW):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        groups = selectors.partner_duplicate_list(user)
        page = Paginator(groups, self.paginate_by).get_page(self.request.GET.get("p"))
        pks = {p.pk for group in page for p in group.partners}
        changeable = set(
            Partner.objects.visible_to(user, Action.CHANGE)
            .filter(pk__in=pks)
            .values_list("pk", flat=True)
        )
        for group in page:
            first = group.partners[0]
            group.links = [
                (
                    other,
                    reverse("partners:partner_merge", args=[first.pk, other.pk])
                    if {first.pk, other.pk} <= changeable
                    else None,
                )
                for other in group.partners[1:]
            ]
        context.update(page_obj=page, groups=page.object_list, total=len(groups))
        return context


class PartnerMergeView(ScopedViewMixin, AdminPageMixin, TemplateView):
    """Two partners side by side; which one is kept (the user chooses), which of its empty
    fields the other fills, and how many linked records move. Confirming merges them
    through ``partner_merge``. Both must be within the user's change scope (else 404)."""

    model = Partner
    scope_action = Action.CHANGE
    template_name = "partners/partner_merge.html"
    page_title = gettext_lazy("Compare and merge partners")
    header_icon = "resubmit"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.first = self.get_object(kwargs["pk_a"])
        self.second = self.get_object(kwargs["pk_b"])
        if self.first.pk == self.second.pk:
            raise Http404
        keep = request.POST.get("keep") or request.GET.get("keep")
        if str(keep) == str(self.second.pk):
            self.kept, self.merged = self.second, self.first
        else:
            self.kept, self.merged = self.first, self.second

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = services.merge_fill_plan(kept=self.kept, merged=self.merged)
        rows = [
            {
                "label": Partner._meta.get_field(name).verbose_name,
                "first": _display(self.first, name),
                "second": _display(self.second, name),
                "filled": name in plan,
                "joined": name in services.JOINED_FIELDS,
            }
            for name in COMPARED_FIELDS
        ]
        second = {c["key"]: c["count"] for c in selectors.partner_related_counts(self.second)}
        relations = []
        for c in selectors.partner_related_counts(self.first):
            both = {self.first.pk: c["count"], self.second.pk: second[c["key"]]}
            relations.append(
                {
                    "label": c["label"],
                    "first": both[self.first.pk],
                    "second": both[self.second.pk],
                    "moving": both[self.merged.pk],
                }
            )
        base = reverse("partners:partner_merge", args=[self.first.pk, self.second.pk])
        context.update(
            first=self.first,
            second=self.second,
            kept=self.kept,
            merged=self.merged,
            rows=rows,
            relations=relations,
            swap_url=f"{base}?keep={self.merged.pk}",
            action_url=base,
        )
        return context

    def post(self, request, *args, **kwargs):
        versions = {
            self.kept.pk: request.POST.get("kept_version"),
            self.merged.pk: request.POST.get("merged_version"),
        }
        preview = redirect(f"{request.path}?keep={self.kept.pk}")
        if any(str(p.version) != str(versions[p.pk]) for p in (self.kept, self.merged)):
            messages.error(
                request,
                _("One of the records was changed since the preview was shown; check again."),
            )
            return preview
        try:
            kept = services.partner_merge(actor=request.user, kept=self.kept, merged=self.merged)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return preview
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(
            request,
            _("“%(merged)s” was merged into “%(kept)s” and moved to the trash.")
            % {"merged": self.merged, "kept": kept},
        )
        return redirect("partners:inspect", kept.pk)
