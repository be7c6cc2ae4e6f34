from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from huunghi.orgs import visibility

from .views import NetworkFiguresView
from .viewsets import NetworkGroup


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [NetworkGroup()]


@hooks.register("register_admin_urls")
def register_figures_url():
    return [path("network/figures/", NetworkFiguresView.as_view(), name="network_figures")]


class _StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return visibility.has_any(request.user)


@hooks.register("register_admin_menu_item")
def register_figures_menu_item():
    return _StaffMenuItem(
        _("Network figures"), reverse("network_figures"), icon_name="table", order=160
    )
