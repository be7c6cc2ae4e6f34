from wagtail import hooks

from .viewsets import NetworkGroup


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [NetworkGroup()]
