"""The network figures page: associations, chapters and members of a subtree on any date,
with their breakdowns and the last ten years."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from huunghi.orgs import visibility
from huunghi.orgs.choices import Action, OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.views import AdminPageMixin, ScopedViewMixin
from huunghi.people.choices import Gender

from . import selectors, services
from .choices import Level, MemberStatus
from .models import Membership


class FiguresForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), required=False
    )
    on = forms.DateField(label=_("On"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user).filter(
            kind__in=[OrgKind.NATIONAL_UNION, OrgKind.PROVINCIAL_UNION, OrgKind.ASSOCIATION]
        )


def _labelled(counts: dict, choices) -> list[tuple[str, int]]:
    labels = dict(choices)
    return [(labels[value], counts[value]) for value in labels if counts.get(value)]


class NetworkFiguresView(AdminPageMixin, TemplateView):
    """Figures come from ``network_counts``/``network_growth``, which start from the
    visibility rule: an organisation outside the user's scope answers 404."""

    template_name = "network/figures.html"
    page_title = _("Network figures")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not visibility.has_any(user):
            raise Http404
        form = FiguresForm(
            self.request.GET or None, user=user, initial={"on": timezone.localdate()}
        )
        root, on = None, timezone.localdate()
        if form.is_valid():
            root = form.cleaned_data["organization"]
            on = form.cleaned_data["on"] or on
        elif "organization" in form.errors:
            raise Http404
        try:
            counts = selectors.network_counts(actor=user, root=root, on=on)
        except Http404:
            counts = None
        if counts is None:
            return {**super().get_context_data(**kwargs), "form": form, "counts": None}
        if not form.is_bound:
            form.initial["organization"] = counts["root"].pk
        growth = selectors.network_growth(actor=user, root=counts["root"])
        gender = dict(counts["members_by_gender"])
        gender_rows = _labelled(gender, Gender.choices)
        if gender.get(""):
            gender_rows.append((_("Not recorded"), gender[""]))
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "counts": counts,
            "on": on,
            "is_today": on == timezone.localdate(),
            "by_status": _labelled(counts["members_by_status"], MemberStatus.choices),
            "by_gender": gender_rows,
            "by_level": _labelled(counts["members_by_level"], Level.choices),
            "growth": growth["rows"],
        }


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MemberStatus.choices[:4])
    on = forms.DateField(label=_("From"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class MembershipStatusView(ScopedViewMixin, AdminPageMixin, FormView):
    """Record a member's new status (suspended, left, deceased, active again) from a date;
    the earlier statuses stay in the membership's history of periods."""

    model = Membership
    scope_action = Action.CHANGE
    form_class = StatusChangeForm
    template_name = "network/membership_status.html"
    page_title = _("Change a member's status")
    header_icon = "user"

    def dispatch(self, request, *args, pk, **kwargs):
        if not Membership.objects.visible_to(request.user).filter(pk=pk).exists():
            raise Http404
        if not Membership.objects.visible_to(request.user, Action.CHANGE).filter(pk=pk).exists():
            raise PermissionDenied
        self.membership = self.get_object(pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.membership)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "membership": self.membership,
            "periods": self.membership.periods.order_by("valid_from"),
        }

    def form_valid(self, form):
        try:
            services.membership_change_status(
                actor=self.request.user,
                membership=self.membership,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("The member's status has been recorded."))
        return redirect("memberships:index")
