"""Organisations, the roles users hold on them, clusters, and private attachments."""

import mimetypes
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from huunghi.core.exceptions import DeleteRefused
from huunghi.core.models import BaseModel

from .choices import NATIONAL_CODE, Action, OrgKind, RoleKind
from .querysets import (
    NationalManager,
    NationalQuerySet,
    OrganizationManager,
    ScopedManager,
    ScopedQuerySet,
)


class ScopedModelMixin:
    """What the visibility rule needs to know about a model."""

    #: path from the model to its owning Organization ("" for Organization itself)
    org_path: str = "organization"
    #: per-model override of the action that an action needs (e.g. roles need manage_roles)
    scope_actions: dict[str, str] = {}
    #: a shared registry (the partner registry): every member of staff may view every row;
    #: changing, deleting and approving stay with the owning subtree
    shared_view: bool = False

    @classmethod
    def scope_action(cls, action: str) -> str:
        return cls.scope_actions.get(str(action), str(action))

    @property
    def owning_organization(self):
        if not self.org_path:
            return self
        obj = self
        for part in self.org_path.split("__"):
            obj = getattr(obj, part)
        return obj


class OrgOwnedModel(ScopedModelMixin, BaseModel):
    """Abstract base of every private record: it belongs to one Organization.

    Subclasses whose owner is reached through another record set ``org_path``
    (e.g. ``org_path = "activity__organization"``) and declare no ``organization`` field.
    """

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class NationalReferenceModel(BaseModel):
    """Abstract base of reference tables read by all staff and changed by national
    administrators only (clusters, the administrative-unit mapping)."""

    national_reference = True

    objects = NationalManager()
    all_objects = NationalQuerySet.as_manager()

    class Meta:
        abstract = True


def _validity_q(on_date):
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on_date)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
    )


class Organization(ScopedModelMixin, BaseModel, MP_Node):
    """A body of the network: the national union, a provincial union, a friendship
    association, a chapter, or an agency or commune the network works with.

    The tree (materialised path) is the ownership tree: a role on an organisation applies to
    its whole subtree. Organisations are never renamed in place without history: earlier
    names are kept in ``OrganizationName``; closed ones keep ``valid_to`` and stay in the tree
    under their successor so that its roles see their history.
    """

    org_path = ""
    node_order_by = None

    code = models.SlugField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("Stable identifier, e.g. “dong_thap”. It never changes."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OrgKind.choices)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    short_name_vi = models.CharField(_("short name"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    unit = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Where it is: the province of a union, the commune of a chapter (today's unit, "
            "or the unit at the time for closed organisations)."
        ),
    )
    predecessors = models.ManyToManyField(
        "self",
        through="Succession",
        through_fields=("successor", "predecessor"),
        symmetrical=False,
        related_name="successors",
        blank=True,
        verbose_name=_("predecessors"),
    )
    is_confirmed = models.BooleanField(
        _("confirmed"),
        default=True,
        help_text=_("Untick if the sources do not confirm the facts recorded."),
    )
    note = models.TextField(_("note"), blank=True)

    search_fields = ("code", "name_vi", "name_en", "short_name_vi")

    objects = OrganizationManager()
    all_objects = OrganizationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="org_valid_dates_ordered",
            )
        ]

    def __str__(self):
        return self.name_vi

    @property
    def predecessor_list(self) -> str:
        return "; ".join(str(o) for o in self.predecessors.all()) or "—"

    predecessor_list.fget.short_description = _("predecessors")

    @property
    def successor_list(self) -> str:
        return "; ".join(str(o) for o in self.successors.all()) or "—"

    successor_list.fget.short_description = _("successors")

    @property
    def is_national(self) -> bool:
        return self.code == NATIONAL_CODE

    def is_active_on(self, on_date) -> bool:
        return (self.valid_from is None or self.valid_from <= on_date) and (
            self.valid_to is None or self.valid_to >= on_date
        )

    @property
    def is_closed(self) -> bool:
        return self.valid_to is not None and self.valid_to < timezone.localdate()

    def name_on(self, on_date) -> str:
        """The Vietnamese name the organisation bore on ``on_date``."""
        earlier = self.earlier_names.filter(_validity_q(on_date)).first()
        return earlier.name_vi if earlier else self.name_vi

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})

    def check_delete(self):
        if self.is_national:
            raise DeleteRefused(_("The national union cannot be deleted."))
        if self.get_children().filter(deleted_at__isnull=True).exists():
            raise DeleteRefused(
                _(
                    "This organisation still has organisations under it. Close it by setting "
                    "its end date, or move or delete those first."
                )
            )


class OrganizationName(ScopedModelMixin, BaseModel):
    """A name an organisation bore in the past, with the dates it was used."""

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()
    search_fields = ("name_vi", "name_en")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="earlier_names"
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"))

    class Meta:
        verbose_name = _("earlier name")
        verbose_name_plural = _("earlier names")
        ordering = ["-valid_to"]

    def __str__(self):
        return self.name_vi


class Succession(ScopedModelMixin, BaseModel):
    """One organisation continued by another (merger, split, renaming into a new body).
    It belongs to the successor, whose roles see the history it inherits."""

    org_path = "successor"
    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        MERGER = "merger", _("Merger")
        SPLIT = "split", _("Split")
        REORGANISATION = "reorganisation", _("Reorganisation")

    predecessor = models.ForeignKey(
        Organization,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="succeeded_by",
    )
    successor = models.ForeignKey(
        Organization, verbose_name=_("successor"), on_delete=models.CASCADE, related_name="succeeds"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MERGER)
    date = models.DateField(_("date"))
    decision = models.CharField(_("decision"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class Role(OrgOwnedModel):
    """A role a user holds on an organisation, valid for its whole subtree."""

    scope_actions = {
        Action.VIEW: Action.MANAGE_ROLES,
        Action.CHANGE: Action.MANAGE_ROLES,
        Action.DELETE: Action.MANAGE_ROLES,
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="huunghi_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    personal_data = models.BooleanField(
        _("may see personal data"),
        default=False,
        help_text=_("Phone numbers, e-mail, addresses, dates of birth and identity numbers."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    #: Vietnamese order of the holder's name (given, middle, family), same on every engine
    user_sort_key = models.CharField(max_length=400, editable=False, default="", db_index=True)

    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user_sort_key", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=Q(deleted_at__isnull=True),
                name="role_unique_per_user_org",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organization}"

    def save(self, *args, **kwargs):
        self.user_sort_key = user_sort_key(self.user)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "user_sort_key"}
        super().save(*args, **kwargs)

    def build_search_text(self):
        from huunghi.core.text import normalise

        user = self.user
        return normalise(
            f"{user.username} {user.get_full_name()} {user.email} {self.organization.name_vi}"
        )


class Cluster(NationalReferenceModel):
    """An emulation cluster ("Cụm thi đua") grouping provincial unions. Not part of the tree:
    membership is effective-dated, and a cluster coordinator sees figures, not records."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    search_fields = ("name_vi", "name_en")

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["number"]

    def __str__(self):
        return self.name_vi

    def members_on(self, on_date):
        """The provincial unions in the cluster on ``on_date``."""
        memberships = self.memberships.filter(_validity_q(on_date), deleted_at__isnull=True)
        return Organization.objects.filter(pk__in=memberships.values("organization"))


class ClusterMembership(NationalReferenceModel):
    """A provincial union's membership of a cluster, from one date to another."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("provincial union"),
        on_delete=models.PROTECT,
        related_name="cluster_memberships",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(
        _("basis"), max_length=255, blank=True, help_text=_("Decision or notice, e.g. 351-TB/LHHN")
    )
    is_confirmed = models.BooleanField(_("confirmed"), default=True)

    class Meta:
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")
        ordering = ["cluster", "organization__path"]

    def __str__(self):
        return f"{self.cluster} — {self.organization}"


class ClusterLeadership(NationalReferenceModel):
    """The cluster head and deputy named for one year."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="leaderships"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    head = models.ForeignKey(
        Organization,
        verbose_name=_("cluster head"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    deputy = models.ForeignKey(
        Organization,
        verbose_name=_("cluster deputy"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decision = models.CharField(_("decision"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cluster leadership")
        verbose_name_plural = _("cluster leaderships")
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"], name="cluster_one_leadership_a_year"
            )
        ]

    def __str__(self):
        return f"{self.cluster} {self.year}"


class ClusterCoordinator(NationalReferenceModel):
    """A user who coordinates a cluster: sees the figures of its members, not their records."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="coordinators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="huunghi_cluster_roles",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("cluster coordinator")
        verbose_name_plural = _("cluster coordinators")

    def __str__(self):
        return f"{self.user} — {self.cluster}"


def _private_upload_to(instance, filename):
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"{instance.organization_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


def _private_storage():
    return storages["private"]


class Attachment(OrgOwnedModel):
    """A private document owned by an organisation. Stored outside the public media folder
    and served only through a view that applies the visibility rule."""

    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), storage=_private_storage, upload_to=_private_upload_to)
    original_name = models.CharField(_("original file name"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    description = models.TextField(_("description"), blank=True)

    search_fields = ("title", "original_name", "description")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.original_name:
            self.original_name = os.path.basename(self.file.name)[:255]
        if self.file and getattr(self.file, "size", None):
            self.size = self.file.size
        super().save(*args, **kwargs)

    @cached_property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.original_name)[0] or "application/octet-stream"


def user_sort_key(user) -> str:
    """Vietnamese order of a user's name: Django's ``first_name`` holds the given name and
    ``last_name`` the family name followed by the middle name ("Nguyễn Thị")."""
    from huunghi.core.collation import person_sort_key

    family, _sep, middle = (user.last_name or "").partition(" ")
    return person_sort_key(family, middle, user.first_name or "")


class UserSortKey(models.Model):
    """The stored Vietnamese sort key of a user's name, so that the users list and every
    list of roles sort in Vietnamese order in SQL on every engine. Kept up to date when the
    user is saved (see ``OrgsConfig.ready``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="huunghi_sort_key",
    )
    key = models.CharField(max_length=400, db_index=True)

    class Meta:
        verbose_name = _("user sort key")
        verbose_name_plural = _("user sort keys")

    def __str__(self):
        return self.key


class ImportJob(OrgOwnedModel):
    """An upload of a spreadsheet into the organisation's records (members now, aid history
    later): validated in the background, row by row, then applied whole or not at all once
    the user confirms. ``problems`` lists each bad cell as the user must read it."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has errors")
        VALID = "valid", _("Ready to import")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=30)
    file = models.FileField(_("file"), storage=_private_storage, upload_to=_private_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    clean_rows = models.PositiveIntegerField(_("rows without errors"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    options = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ExportLog(models.Model):
    """A bulk export that carried personal data: who, when, what filter, how many rows
    (FACTS.md §9: each access to personal data in bulk is logged)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    what = models.CharField(_("what"), max_length=100)
    file_format = models.CharField(_("format"), max_length=10)
    query = models.TextField(_("filter"), blank=True)
    row_count = models.PositiveIntegerField(_("rows"))
    personal_data = models.BooleanField(_("with personal data"), default=False)

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} — {self.what} — {self.created_at:%d/%m/%Y %H:%M}"


from .workflows import OrgApprovalTask  # noqa: E402, F401  (a model: registered with the app)
