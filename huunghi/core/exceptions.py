from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaleEditError(ValidationError):
    """Raised when a record was changed by someone else after this copy of it was read."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Someone else saved this record after you opened it. Your changes were not "
                "saved. Reload the page to see the current version, then make your changes again."
            ),
            code="stale",
        )


class DeleteRefused(ValidationError):
    """Raised when a record cannot go to the trash, with the reason for the user."""
