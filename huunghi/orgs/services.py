"""Writes on organisations, roles and users."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from wagtail.admin.utils import get_admin_base_url

from huunghi.core.audit import acting_as

from . import visibility
from .choices import Action
from .models import Organization, Role


def _check_in_scope(obj, actor, action):
    model = type(obj)
    if not model._default_manager.visible_to(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied


def role_grant(
    *, actor, user, organization: Organization, role: str, personal_data: bool = False
) -> Role:
    """Give ``user`` a role on ``organization`` (inside the actor's subtree only)."""
    if personal_data and not (
        Organization.objects.visible_to(actor, Action.PERSONAL_DATA)
        .filter(pk=organization.pk)
        .exists()
    ):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor):
        grant = Role(user=user, organization=organization, role=role, personal_data=personal_data)
        grant.full_clean()
        grant.save()
        _check_in_scope(grant, actor, Action.MANAGE_ROLES)
    visibility.clear_cache(user)
    return grant


def user_invite(
    *,
    actor,
    email: str,
    first_name: str,
    last_name: str,
    organization: Organization,
    role: str,
    personal_data: bool = False,
):
    """Create a user account with no password and a role, and e-mail them a link to set one."""
    User = get_user_model()
    with transaction.atomic(), acting_as(actor):
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        role_grant(
            actor=actor,
            user=user,
            organization=organization,
            role=role,
            personal_data=personal_data,
        )
        link = get_admin_base_url() + reverse(
            "wagtailadmin_password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        body = _(
            "Hello %(name)s,\n\n%(actor)s has invited you to the Hữu Nghị platform as "
            "%(role)s of %(organization)s.\nSet your password here: %(link)s\n\n"
            "Your user name is your e-mail address."
        ) % {
            "name": user.get_full_name(),
            "actor": actor.get_full_name() or actor.get_username(),
            "role": dict(Role._meta.get_field("role").choices)[role],
            "organization": organization.name_vi,
            "link": link,
        }
        transaction.on_commit(
            lambda: send_mail(_("Invitation to Hữu Nghị"), body, None, [user.email])
        )
    return user
