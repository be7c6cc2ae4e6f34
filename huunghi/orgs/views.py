"""Custom admin views: private downloads, the trash, inviting users. All scoped."""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import services, visibility
from .choices import Action
from .forms import InviteUserForm
from .models import Attachment, ScopedModelMixin


class AdminPageMixin(WagtailAdminTemplateMixin):
    """Wagtail's admin page frame for our custom views, with the page's own title in the
    header (Wagtail's mixin alone shows "Home" there)."""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class ScopedViewMixin:
    """Base of every custom admin view that reads org-owned records.

    ``get_queryset()`` starts from ``visible_to(user, scope_action)``; ``get_object()``
    answers 404 for anything outside it.
    """

    model = None
    scope_action = Action.VIEW

    def get_queryset(self):
        return self.model._default_manager.visible_to(self.request.user, self.scope_action)

    def get_object(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)


class AttachmentDownloadView(ScopedViewMixin, View):
    """Serve a private attachment to a user who may see it; 404 to anyone else."""

    model = Attachment

    def get(self, request, pk):
        attachment = self.get_object(pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name or attachment.file.name,
            content_type=attachment.content_type,
        )


def trashable_models():
    """Every model with an owner and a trash."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ScopedModelMixin) and hasattr(model, "deleted_at")
    ]


class TrashView(AdminPageMixin, TemplateView):
    """Records moved to the trash in the user's subtree, newest first, with a restore button."""

    template_name = "orgs/trash.html"
    page_title = gettext_lazy("Trash")
    header_icon = "bin"

    def get_items(self):
        items = []
        for model in trashable_models():
            qs = (
                model.all_objects.visible_to(self.request.user, Action.DELETE, include_deleted=True)
                .filter(deleted_at__isnull=False)
                .select_related("deleted_by")
                .order_by("-deleted_at")[:200]
            )
            for obj in qs:
                items.append(
                    {
                        "object": obj,
                        "model_name": model._meta.verbose_name,
                        "organization": obj.owning_organization,
                        "restore_url": reverse(
                            "orgs_trash:restore",
                            args=[model._meta.app_label, model._meta.model_name, obj.pk],
                        ),
                    }
                )
        items.sort(key=lambda item: item["object"].deleted_at, reverse=True)
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = self.get_items()
        return context


class RestoreView(View):
    """Take one record out of the trash (POST only)."""

    def post(self, request, app_label, model_name, pk):
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError as exc:
            raise Http404 from exc
        if model not in trashable_models():
            raise Http404
        obj = get_object_or_404(
            model.all_objects.visible_to(request.user, Action.DELETE, include_deleted=True).filter(
                deleted_at__isnull=False
            ),
            pk=pk,
        )
        try:
            obj.restore()
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("“%(object)s” restored.") % {"object": obj})
        return redirect("orgs_trash:index")


class InviteUserView(AdminPageMixin, FormView):
    """An organisation administrator invites a member of staff into their subtree."""

    template_name = "orgs/invite.html"
    form_class = InviteUserForm
    page_title = gettext_lazy("Invite a user")
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not visibility.has_any(request.user, Action.MANAGE_ROLES):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = services.user_invite(actor=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            _("%(email)s has been invited; an e-mail with a link to set a password was sent.")
            % {"email": user.email},
        )
        return redirect("orgs_invite")
