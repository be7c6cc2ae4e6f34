from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "huunghi.aid"
    label = "aid"
    verbose_name = _("Aid mobilisation")

    def ready(self):
        from . import signals  # noqa: F401  (mirrors the review workflow into the status)
