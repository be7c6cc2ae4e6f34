"""The network figures page: associations, chapters and members of a subtree on any date,
with their breakdowns and the last ten years."""

import datetime

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from huunghi.orgs import visibility
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.people.choices import Gender

from . import selectors
from .choices import Level, MemberStatus


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


class NetworkFiguresView(WagtailAdminTemplateMixin, TemplateView):
    """Figures come from ``network_counts``/``network_growth``, which start from the
    visibility rule: an organisation outside the user's scope answers 404."""

    template_name = "network/figures.html"
    page_title = _("Network figures")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not visibility.has_any(user):
            raise Http404
        form = FiguresForm(self.request.GET or None, user=user)
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
