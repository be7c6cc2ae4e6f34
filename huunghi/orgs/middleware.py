from django.http import Http404
from django.urls import Resolver404, resolve

from . import visibility

#: Wagtail's site-wide views that show records of every organisation: national admins only.
NATIONAL_ONLY_NAMESPACES = ("wagtailadmin_reports",)
NATIONAL_ONLY_URL_NAMES = {
    "wagtailadmin_workflows:index",
    "wagtailadmin_workflows:task_index",
}


def is_national_only(match) -> bool:
    return match.namespace in NATIONAL_ONLY_NAMESPACES or match.view_name in NATIONAL_ONLY_URL_NAMES


class NationalOnlyAdminMiddleware:
    """Answer 404 to anyone but a national administrator for Wagtail's site-wide reports
    (site history, workflows, locked and aging pages), which do not filter by organisation."""

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
