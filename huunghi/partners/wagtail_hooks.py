from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from huunghi.orgs import visibility
from huunghi.orgs.choices import Action

from . import selectors
from .services import MERGE
from .viewsets import PartnersGroup, partner_chooser_viewset


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [PartnersGroup(), partner_chooser_viewset]


class ExpiringCertificatesPanel(Component):
    """Dashboard: the registration certificates that expire within 90 days and concern the
    user (see ``certificate_expiring_list``). Nothing is shown when there are none."""

    name = "huunghi_expiring_certificates"
    order = 20
    template_name = "partners/dashboard_panel.html"
    shown = 10

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        today = timezone.localdate()
        certificates = list(selectors.certificate_expiring_list(user, today=today))
        for certificate in certificates:
            certificate.days_left = (certificate.expires_on - today).days
        return {
            "certificates": certificates[: self.shown],
            "total": len(certificates),
            "days": selectors.EXPIRY_WARNING_DAYS,
            "is_national": visibility.is_national(user),
            "list_url": reverse("certificates:index") + "?expiry=expiring",
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["certificates"]:
            return ""
        return get_template(self.template_name).render(context)


# After the organisations' panel hook, which empties the list for non-national users.
@hooks.register("construct_homepage_panels", order=10)
def add_expiring_certificates_panel(request, panels):
    if visibility.has_any(request.user, Action.VIEW):
        panels.append(ExpiringCertificatesPanel(request))


@hooks.register("register_log_actions")
def register_log_actions(actions):
    @actions.register_action(MERGE)
    class Merge:
        label = _("Merge of duplicate partners")

        def format_message(self, log_entry):
            changes = (log_entry.data or {}).get("changes") or {}
            details = [after or before or "" for before, after in changes.values()]
            return _("Merged: %(detail)s") % {"detail": "; ".join(d for d in details if d)}
