from django.http import Http404
from django.urls import Resolver404, resolve

from . import visibility

#: Wagtail's site-wide views that show records of every organisation: national admins only.
NATIONAL_ONLY_NAMESPACES = (
    "wagtailadmin_reports",
    "wagtailadmin_workflows",
    "wagtailadmin_api",
    "wagtaildocs_chooser",
    "wagtailimages_chooser",
    "wagtailembeds",
)
NATIONAL_ONLY_URL_NAMES: set[str] = set()


def is_national_only(match) -> bool:
    return (
        any(match.namespace.startswith(ns) for ns in NATIONAL_ONLY_NAMESPACES)
        or match.view_name in NATIONAL_ONLY_URL_NAMES
    )


class NationalOnlyAdminMiddleware:
    """Answer 404 to anyone but a national administrator for Wagtail's site-wide views
    that do not filter by organisation: reports (site history, locked and aging pages),
    workflows, the pages/images/documents admin API and the media choosers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/"):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if (
                match is not None
                and is_national_only(match)
                and not visibility.is_national(request.user, "manage_roles")
            ):
                raise Http404
        return self.get_response(request)
