"""Exports of list pages that may carry personal data.

A viewset declares ``personal_export_fields`` (dotted paths from the row, e.g.
``"person.phone"``). They are appended to the .csv/.xlsx export only for a user who holds
the personal-data permission somewhere; in each row they stay empty unless the user holds
it on that row's subject (``personal_subject_path``: the record the data is about, "" for
the row itself) and the subject's processing is not restricted
(``personal_export_excluded``, e.g. a person who withdrew consent). Every export that
carried personal columns is written to ``ExportLog``.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils.functional import cached_property
from django.utils.text import capfirst
from wagtail.coreutils import multigetattr

from . import visibility
from .choices import Action
from .models import ExportLog
from .wagtail import ScopedIndexView

ALLOWED = "_personal_export_allowed"


def _field_for(model, dotted: str):
    """The model field at the end of ``dotted`` (or None), following relations."""
    field = None
    for part in dotted.split("."):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation:
            model = field.related_model
    return field


class PersonalExportMixin:
    """For ``ScopedIndexView`` subclasses: personal columns in exports, per-row emptying, and
    the export log."""

    personal_export_fields: tuple[str, ...] | list[str] = ()
    personal_subject_path: str = ""
    #: lookups (relative to the subject) of subjects whose personal data is never exported
    personal_export_excluded: dict | None = None

    @cached_property
    def export_personal(self) -> bool:
        return (
            self.is_export
            and bool(self.personal_export_fields)
            and visibility.has_any(self.request.user, Action.PERSONAL_DATA)
        )

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.export_personal:
            self.list_export = [*self.list_export, *self.personal_export_fields]
            self.export_headings = {
                **{f: self._personal_heading(f) for f in self.personal_export_fields},
                **self.export_headings,
            }

    def _personal_heading(self, dotted):
        field = _field_for(self.model, dotted)
        return capfirst(field.verbose_name) if field is not None else dotted

    def _subject_model(self):
        model = self.model
        if self.personal_subject_path:
            for part in self.personal_subject_path.split("__"):
                model = model._meta.get_field(part).related_model
        return model

    def annotate_personal(self, queryset: QuerySet) -> QuerySet:
        """Mark each row whose personal cells may be filled, in the export query itself."""
        prefix = f"{self.personal_subject_path}__" if self.personal_subject_path else ""
        subject = self._subject_model()
        allowed = subject._default_manager.visible_to(self.request.user, Action.PERSONAL_DATA)
        condition = Q(**{f"{prefix}pk__in": allowed.values("pk")})
        if self.personal_export_excluded:
            condition &= ~Q(**{f"{prefix}{k}": v for k, v in self.personal_export_excluded.items()})
        related = [
            f.replace(".", "__")
            for f in self.personal_export_fields
            if (field := _field_for(self.model, f)) is not None and field.many_to_one
        ]
        if related:
            queryset = queryset.select_related(*related)
        return queryset.annotate(
            **{
                ALLOWED: Case(
                    When(condition, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            }
        )

    def to_row_dict(self, item):
        if not self.export_personal:
            return super().to_row_dict(item)
        allowed = getattr(item, ALLOWED, False)
        personal = set(self.personal_export_fields)
        return {
            field: (
                (multigetattr(item, field) if allowed else None)
                if field in personal
                else multigetattr(item, field)
            )
            for field in self.list_export
        }

    def preprocess_field_value(self, field, value, export_format):
        if value is None:
            return ""
        return super().preprocess_field_value(field, value, export_format)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if self.export_personal and isinstance(queryset, QuerySet):
            queryset = self.annotate_personal(queryset)
            counts = queryset.aggregate(
                rows=Count("pk"), personal=Count("pk", filter=Q(**{ALLOWED: True}))
            )
            params = self.request.GET.copy()
            params.pop("export", None)
            ExportLog.objects.create(
                user=self.request.user,
                what=str(capfirst(self.model._meta.verbose_name_plural)),
                file_format=spreadsheet_format,
                query=params.urlencode(),
                row_count=counts["rows"],
                personal_data=bool(counts["personal"]),
            )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class PersonalExportIndexView(PersonalExportMixin, ScopedIndexView):
    pass


class PersonalExportViewSetMixin:
    """For ``ScopedModelViewSet`` subclasses: passes the personal-export settings to the
    index view, adding ``PersonalExportMixin`` to the viewset's index view class when that
    class lacks it."""

    index_view_class = PersonalExportIndexView
    personal_export_fields: tuple[str, ...] | list[str] = ()
    personal_subject_path = ""
    personal_export_excluded: dict | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view_class = self.index_view_class
        if not issubclass(view_class, PersonalExportMixin):
            self.index_view_class = type(view_class.__name__, (PersonalExportMixin, view_class), {})

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            personal_export_fields=list(self.personal_export_fields),
            personal_subject_path=self.personal_subject_path,
            personal_export_excluded=self.personal_export_excluded,
            **kwargs,
        )
