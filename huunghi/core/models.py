"""Mechanisms every domain model inherits: audit, optimistic locking, soft delete, search."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit
from .exceptions import StaleEditError
from .text import normalise


class SoftDeleteQuerySet(models.QuerySet):
    """Queryset that knows about the trash."""

    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)

    def delete(self):
        """Move every row to the trash, one by one so that each deletion is logged."""
        count = 0
        for obj in self:
            obj.delete()
            count += 1
        return count, {self.model._meta.label: count}

    def hard_delete(self):
        """Remove the rows for good (purges and tests only)."""
        return super().delete()

    def search(self, query: str):
        """Rows whose normalised text contains every word of ``query``, ignoring diacritics."""
        qs = self
        for word in normalise(query).split():
            qs = qs.filter(search_text__contains=word)
        return qs


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    """The default manager: records in the trash are left out."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class BaseModel(models.Model):
    """Abstract base of every domain record.

    - every create, update, delete and restore is written to the log that the admin
      history shows, with the user and, for updates, each changed field before and after;
    - ``version`` is checked on every update, so an edit made from a stale copy is refused
      (``StaleEditError``) instead of silently overwriting someone else's change;
    - ``delete()`` moves the record to the trash (``deleted_at``); ``restore()`` brings it back;
    - ``search_text`` keeps a normalised copy of ``search_fields`` so that search ignores
      diacritics and case the same way on SQLite and PostgreSQL.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    #: field names (or attribute names) whose values feed ``search_text``
    search_fields: tuple[str, ...] = ()

    objects = AliveManager()
    all_objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        creating = self._state.adding
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"version", "updated_at", "search_text"}
        if not creating:
            self._expected_version = self.version
            self.version = self.version + 1
        try:
            super().save(*args, **kwargs)
        except StaleEditError:
            self.version = self._expected_version
            raise
        finally:
            self._expected_version = None
        after = audit.snapshot(self)
        if creating:
            audit.write_log(self, audit.CREATE, {k: [None, v] for k, v in after.items() if v})
        else:
            loaded = getattr(self, "_loaded_values", None)
            if loaded is None:  # never read from the database: every value is news
                changes = audit.diff({}, after)
            else:
                before = audit.snapshot(self, loaded)
                changes = audit.diff(before, {k: v for k, v in after.items() if k in before})
            if changes:
                audit.write_log(self, audit.EDIT, changes)
        self._loaded_values = {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.attname not in self.get_deferred_fields()
        }

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Kept as read (cheap); compared with the new values only when the record is saved.
        instance._loaded_values = dict(zip(field_names, values, strict=False))
        return instance

    def build_search_text(self) -> str:
        return normalise(
            " ".join(str(getattr(self, name, "") or "") for name in self.search_fields)
        )

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update, *args
            )
        updated = super()._do_update(
            base_qs.filter(version=expected),
            using,
            pk_val,
            values,
            update_fields,
            forced_update,
            *args,
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise StaleEditError()
        return updated

    def check_delete(self):
        """Raise ``DeleteRefused`` when this record may not go to the trash."""

    def _save_state(self, fields):
        """Save trash fields with the version check, so a stale copy cannot undo them."""
        self._expected_version = self.version
        self.version += 1
        try:
            models.Model.save(self, update_fields=[*fields, "version"])
        except StaleEditError:
            self.version = self._expected_version
            raise
        finally:
            self._expected_version = None

    def delete(self, using=None, keep_parents=False):
        """Move the record to the trash; it can be restored."""
        self.check_delete()
        actor = audit.get_actor()
        self.deleted_at = timezone.now()
        self.deleted_by = actor if getattr(actor, "is_authenticated", False) else None
        self._save_state(["deleted_at", "deleted_by"])
        audit.write_log(self, audit.DELETE)
        return (1, {self._meta.label: 1})

    def restore(self):
        """Take the record out of the trash; refused (ValidationError) when a record that
        replaced it in the meantime holds the same unique values."""
        self.deleted_at = None
        self.deleted_by = None
        self.validate_constraints()
        self._save_state(["deleted_at", "deleted_by"])
        audit.write_log(self, audit.RESTORE)

    def hard_delete(self):
        """Remove the row for good (used only by purges and tests)."""
        return models.Model.delete(self)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PeriodicJobState(models.Model):
    """When each periodic job last ran and how it ended; also its lock across processes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_ok = models.BooleanField(_("succeeded"), null=True)
    last_message = models.TextField(_("message"), blank=True, default="")

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name
