"""The scoped base of every DRF viewset: the HTTP method decides the visibility action."""

from rest_framework import viewsets

from huunghi.orgs.choices import Action

METHOD_ACTIONS = {
    "GET": Action.VIEW,
    "HEAD": Action.VIEW,
    "OPTIONS": Action.VIEW,
    "POST": Action.CHANGE,
    "PUT": Action.CHANGE,
    "PATCH": Action.CHANGE,
    "DELETE": Action.DELETE,
}


class ScopedViewSet(viewsets.GenericViewSet):
    """Every queryset (list, detail, update, delete) comes from ``visible_to``; an object
    outside it answers 404."""

    queryset = None

    def get_queryset(self):
        action = METHOD_ACTIONS.get(self.request.method, Action.CHANGE)
        return self.queryset.model._default_manager.visible_to(self.request.user, action)
