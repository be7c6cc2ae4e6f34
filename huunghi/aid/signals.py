"""The union's review is Wagtail's workflow; its steps are mirrored into the activity's
status (a decoupled side effect: the workflow itself stays Wagtail's)."""

from wagtail.signals import published, workflow_cancelled, workflow_rejected, workflow_submitted

from .models import AidActivity
from .services.activities import activity_review_sync


def _on_workflow(event):
    def handler(sender, instance, user=None, **kwargs):
        obj = instance.content_object
        if isinstance(obj, AidActivity):
            activity_review_sync(activity=obj, event=event, user=user)

    return handler


def _on_published(sender, instance, revision=None, **kwargs):
    user = getattr(revision, "user", None) if revision is not None else None
    activity_review_sync(activity=instance, event="published", user=user)


workflow_submitted.connect(_on_workflow("submitted"), weak=False, dispatch_uid="aid_submitted")
workflow_rejected.connect(_on_workflow("rejected"), weak=False, dispatch_uid="aid_rejected")
workflow_cancelled.connect(_on_workflow("cancelled"), weak=False, dispatch_uid="aid_cancelled")
published.connect(_on_published, sender=AidActivity, weak=False, dispatch_uid="aid_published")
