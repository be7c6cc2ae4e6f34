from wagtail import hooks

from .viewsets import PeopleGroup, person_chooser_viewset


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [PeopleGroup(), person_chooser_viewset]
