from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin import activities, figures, imports, needs, reference


class AidGroup(ViewSetGroup):
    menu_label = _("Aid")
    menu_icon = "resubmit"
    menu_order = 170
    items = (
        *activities.VIEWSETS,
        *needs.VIEWSETS,
        *imports.VIEWSETS,
        *figures.VIEWSETS,
        *reference.VIEWSETS,
    )


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [AidGroup()] if AidGroup.items else []
