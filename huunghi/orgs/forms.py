"""Form bases: choice fields limited by the visibility rule, stale edits refused."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.users.forms import UserCreationForm as WagtailUserCreationForm
from wagtail.users.forms import UserEditForm as WagtailUserEditForm

from huunghi.core.exceptions import StaleEditError

from .choices import Action, RoleKind


def scope_form_fields(form, user, field_actions=None):
    """Limit every model choice field of ``form`` to the rows ``user`` may use.

    A record can only be given to an organisation the user may change, so organisation
    fields use the ``change`` action unless ``field_actions`` says otherwise.
    """
    from .models import Organization

    field_actions = field_actions or {}
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not hasattr(queryset, "visible_to"):
            continue
        default = Action.CHANGE if queryset.model is Organization else Action.VIEW
        field.queryset = queryset.visible_to(user, field_actions.get(name, default))


class ScopedAdminForm(WagtailAdminModelForm):
    """Base form of every admin form of our models."""

    #: field name → action for its choices (see ``scope_form_fields``)
    scope_field_actions: dict[str, str] = {}

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None:
            scope_form_fields(self, for_user, self.scope_field_actions)
        if self.instance.pk and hasattr(self.instance, "version"):
            self.fields["loaded_version"].initial = self.instance.version
        else:
            del self.fields["loaded_version"]

    def _get_validation_exclusions(self):
        # Unique constraints "among records not in the trash" name ``deleted_at`` in their
        # condition; Django skips such a constraint when the field is not on the form, and
        # the database would then refuse the save with an error the user cannot read.
        exclude = super()._get_validation_exclusions()
        exclude.discard("deleted_at")
        return exclude

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if loaded is not None and self.instance.pk:
            current = (
                type(self.instance)
                .all_objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != loaded:
                raise StaleEditError()
            # Save against the version the user loaded: a concurrent save in between is
            # caught by the conditional UPDATE.
            self.instance.version = loaded
        return cleaned


class OrganizationForm(ScopedAdminForm):
    """An organisation; when it is new, the parent under which it is placed in the tree."""

    parent = forms.ModelChoiceField(
        label=_("Parent organisation"),
        queryset=None,
        help_text=_("The organisation this one belongs to (e.g. the provincial union)."),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        from .models import Organization

        self.base_fields["parent"].queryset = Organization.objects.all()
        super().__init__(*args, for_user=for_user, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]

    def clean_code(self):
        return self.cleaned_data["code"].strip().lower()


def check_personal_data_grant(user, organization):
    """Only someone who may see personal data on ``organization`` may grant that access."""
    from .models import Organization

    allowed = Organization.objects.visible_to(user, Action.PERSONAL_DATA)
    if not allowed.filter(pk=organization.pk).exists():
        raise forms.ValidationError(
            _("You can only grant access to personal data that you have yourself."),
            code="personal_data",
        )


class RoleGrantForm(ScopedAdminForm):
    """Granting a role: only on organisations inside the granting administrator's subtree,
    and access to personal data only by someone who has it there."""

    scope_field_actions = {"organization": Action.MANAGE_ROLES}

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization")
        if cleaned.get("personal_data") and organization and self.for_user is not None:
            try:
                check_personal_data_grant(self.for_user, organization)
            except forms.ValidationError as exc:
                self.add_error("personal_data", exc)
        return cleaned

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "user" in self.fields:
            from . import visibility
            from .models import Role

            if not visibility.is_national(for_user, Action.MANAGE_ROLES):
                in_scope = Role.objects.visible_to(for_user, Action.MANAGE_ROLES).values("user")
                self.fields["user"].queryset = get_user_model().objects.filter(pk__in=in_scope)


class InviteUserForm(forms.Form):
    """Invite a new member of staff and give them a role in one step."""

    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    last_name = forms.CharField(label=_("Family and middle name"), max_length=150)
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices)
    personal_data = forms.BooleanField(label=_("May see personal data"), required=False)

    def __init__(self, *args, user, **kwargs):
        from .models import Organization

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = Organization.objects.visible_to(
            user, Action.MANAGE_ROLES
        )

    def clean(self):
        cleaned = super().clean()
        organization = cleaned.get("organization")
        if cleaned.get("personal_data") and organization:
            try:
                check_personal_data_grant(self.user, organization)
            except forms.ValidationError as exc:
                self.add_error("personal_data", exc)
        return cleaned

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("A user with this e-mail already exists. Grant them a role instead.")
            )
        return email


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, with a translatable label on the password field (Wagtail's has
    none, so Django would show the field name "Password" in English)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")


class UserEditForm(WagtailUserEditForm):
    pass


class UserCreationForm(WagtailUserCreationForm):
    pass
