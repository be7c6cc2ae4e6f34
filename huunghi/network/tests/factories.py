import datetime

from huunghi.network import services
from huunghi.orgs.tests.factories import UserFactory, national_root
from huunghi.places.models import Country


def _system_user():
    return UserFactory(username="network_factory", is_superuser=True)


def make_association(parent, name_vi=None, countries=("LA",), **fields):
    """A friendship association under ``parent`` (a union), through the service."""
    make_association.n = getattr(make_association, "n", 0) + 1
    name_vi = name_vi or f"Hội hữu nghị mẫu {make_association.n}"
    return services.association_create(
        actor=_system_user(),
        parent=parent,
        code=fields.pop("code", f"assoc_{make_association.n}"),
        name_vi=name_vi,
        partner_countries=list(Country.objects.filter(code__in=countries)),
        **fields,
    )


def make_chapter(parent, name_vi=None, **fields):
    make_chapter.n = getattr(make_chapter, "n", 0) + 1
    return services.chapter_create(
        actor=_system_user(),
        parent=parent,
        code=fields.pop("code", f"chapter_{make_chapter.n}"),
        name_vi=name_vi or f"Chi hội mẫu {make_chapter.n}",
        **fields,
    )


def make_membership(organization, person=None, joined_on=datetime.date(2020, 1, 1), **fields):
    from huunghi.people.tests.factories import PersonFactory

    if person is None and not fields.get("collective_name"):
        person = PersonFactory(organization=organization)
    return services.membership_create(
        actor=_system_user(),
        organization=organization,
        person=person,
        joined_on=joined_on,
        **fields,
    )


__all__ = ["make_association", "make_chapter", "make_membership", "national_root"]
