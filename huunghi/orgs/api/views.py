from rest_framework import mixins

from huunghi.orgs.models import Organization

from .base import ScopedViewSet
from .serializers import OrganizationSerializer


class OrganizationAPIViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Organisations the user may see; ``?q=`` searches names ignoring diacritics."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        query = self.request.query_params.get("q")
        return qs.search(query) if query else qs

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # Parent codes in one query, not one per row.
        context["parent_codes"] = dict(Organization.objects.values_list("path", "code"))
        return context
