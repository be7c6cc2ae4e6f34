"""Person and consent forms: personal fields only for users with the permission."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huunghi.orgs.forms import ScopedAdminForm
from huunghi.orgs.models import Organization

from .choices import ConsentPurpose
from .models import PERSONAL_FIELDS, Person


def may_see_personal(user, person: Person | None) -> bool:
    """Whether ``user`` may see (and edit) the personal fields of ``person``; for a new person,
    whether the user may enter personal data anywhere."""
    if person is None or not person.pk:
        return Organization.objects.visible_to(user, "personal_data").exists()
    return Person.objects.visible_to(user, "personal_data").filter(pk=person.pk).exists()


class PersonForm(ScopedAdminForm):
    """Personal fields are removed for a user without the personal-data permission on the
    person, so they can neither read nor overwrite them."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.personal_allowed = for_user is None or may_see_personal(for_user, self.instance)
        if not self.personal_allowed:
            for name in PERSONAL_FIELDS:
                self.fields.pop(name, None)
        self.for_user = for_user

    def clean(self):
        cleaned = super().clean()
        org = cleaned.get("organization")
        entered = [n for n in PERSONAL_FIELDS if n in self.fields and cleaned.get(n)]
        if (
            org is not None
            and entered
            and self.for_user is not None
            and not Organization.objects.visible_to(self.for_user, "personal_data")
            .filter(pk=org.pk)
            .exists()
        ):
            raise forms.ValidationError(
                _("You may not enter personal data for persons of %(org)s.") % {"org": org}
            )
        return cleaned


class ConsentForm(ScopedAdminForm):
    purposes = forms.MultipleChoiceField(
        label=_("purposes"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick only what the person agreed to; silence is not consent."),
    )
