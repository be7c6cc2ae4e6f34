"""Custom admin views on persons: possible duplicates, the merge preview and confirmation,
undoing a merge. All scoped through ``ScopedViewMixin``."""

from django.apps import apps
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
from .models import DETAIL_FIELDS, PERSONAL_FIELDS, Person, PersonMerge

#: the fields compared side by side in the merge preview
COMPARED_FIELDS = DETAIL_FIELDS


def _display(person: Person, name: str) -> str:
    field = Person._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(c) for c in getattr(person, name).all()) or "—"
    value = getattr(person, name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(getattr(person, f"get_{name}_display")())
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


class PersonDuplicateListView(AdminPageMixin, TemplateView):
    """Groups of visible persons that are probably one individual, each pair with a link
    to compare and merge (shown when the user may change both)."""

    template_name = "people/person_duplicates.html"
    page_title = gettext_lazy("Possible duplicates")
    header_icon = "resubmit"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not visibility.has_any(request.user, Action.VIEW):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        groups = selectors.person_duplicate_list(user)
        page = Paginator(groups, self.paginate_by).get_page(self.request.GET.get("p"))
        pks = {p.pk for group in page for p in group.persons}
        changeable = set(
            Person.objects.visible_to(user, Action.CHANGE)
            .filter(pk__in=pks)
            .values_list("pk", flat=True)
        )
        for group in page:
            group.links = [
                (
                    other,
                    reverse("people:person_merge_preview", args=[group.persons[0].pk, other.pk])
                    if {group.persons[0].pk, other.pk} <= changeable
                    else None,
                )
                for other in group.persons[1:]
            ]
        context.update(page_obj=page, groups=page.object_list, total=len(groups))
        return context


class PersonMergePreviewView(ScopedViewMixin, AdminPageMixin, TemplateView):
    """Two persons side by side; which record is kept (the user chooses), which of its
    empty fields the other fills, and how many linked records move. Confirming merges
    them through ``person_merge``. Both must be within the user's change scope (else 404)."""

    model = Person
    scope_action = Action.CHANGE
    template_name = "people/person_merge_preview.html"
    page_title = gettext_lazy("Compare and merge")
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
        user = self.request.user
        personal = services.may_merge_personal(user, self.first, self.second)
        plan = services.merge_fill_plan(kept=self.kept, merged=self.merged, with_personal=personal)
        rows = []
        for name in COMPARED_FIELDS:
            field = Person._meta.get_field(name)
            hidden = name in PERSONAL_FIELDS and not personal
            rows.append(
                {
                    "label": field.verbose_name,
                    "first": "" if hidden else _display(self.first, name),
                    "second": "" if hidden else _display(self.second, name),
                    "hidden": hidden,
                    "filled": name in plan,
                }
            )
        counts = {
            person.pk: {c["key"]: c["count"] for c in selectors.person_related_counts(person)}
            for person in (self.first, self.second)
        }
        relations = [
            {
                "label": c["label"],
                "first": counts[self.first.pk][c["key"]],
                "second": counts[self.second.pk][c["key"]],
                "moving": counts[self.merged.pk][c["key"]],
            }
            for c in selectors.person_related_counts(self.merged)
        ]
        base = reverse("people:person_merge_preview", args=[self.first.pk, self.second.pk])
        context.update(
            first=self.first,
            second=self.second,
            kept=self.kept,
            merged=self.merged,
            rows=rows,
            relations=relations,
            personal=personal,
            filled=[Person._meta.get_field(n).verbose_name for n in plan],
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
            merge = services.person_merge(actor=request.user, kept=self.kept, merged=self.merged)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return preview
        messages.success(
            request,
            _("“%(merged)s” was merged into “%(kept)s”. The merge can be undone.")
            % {"merged": merge.merged, "kept": merge.kept},
        )
        return redirect("person_merges:inspect", merge.pk)


class PersonMergeUndoView(ScopedViewMixin, AdminPageMixin, TemplateView):
    """Confirm, then undo a merge (``person_merge_undo``)."""

    model = PersonMerge
    scope_action = Action.CHANGE
    template_name = "people/person_merge_undo.html"
    page_title = gettext_lazy("Undo a merge")
    header_icon = "undo"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object(kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        moves = []
        for key, ids in self.object.moved.items():
            label = apps.get_model(key.rsplit(".", 1)[0])._meta.verbose_name_plural
            moves.append({"label": label, "count": len(ids)})
        context.update(merge=self.object, moves=moves)
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.person_merge_undo(actor=request.user, merge=self.object)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("The merge was undone: “%(person)s” is a separate record again.")
                % {"person": self.object.merged},
            )
        return redirect("person_merges:inspect", self.object.pk)
