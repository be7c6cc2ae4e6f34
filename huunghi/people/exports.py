"""Personal columns in the exports of lists about persons (see ``orgs.exports``): for the
persons list and for any list whose rows point at a person (members, …)."""

from huunghi.orgs.exports import PersonalExportViewSetMixin

from .choices import ConsentState
from .models import PERSONAL_FIELDS

#: never exported for a person who withdrew consent
WITHDRAWN = {"consent_state": ConsentState.WITHDRAWN}


def personal_fields_of(path: str = "") -> list[str]:
    """The personal fields as export paths from a row that reaches the person by ``path``."""
    prefix = f"{path.replace('__', '.')}." if path else ""
    return [f"{prefix}{name}" for name in PERSONAL_FIELDS]


class PersonExportMixin(PersonalExportViewSetMixin):
    """For the persons viewset."""

    personal_export_fields = personal_fields_of()
    personal_subject_path = ""
    personal_export_excluded = WITHDRAWN


class MembershipExportMixin(PersonalExportViewSetMixin):
    """For the memberships viewset: the member's personal data (none for collective
    members)."""

    personal_export_fields = personal_fields_of("person")
    personal_subject_path = "person"
    personal_export_excluded = WITHDRAWN
