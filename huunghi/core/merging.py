"""The mechanics of merging two records of one model (persons, partners): every relation
that points at the model, found from the model itself so that relations later parts add
are covered; how many rows use each; moving those rows to the record that is kept."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _


def reverse_relations(model, *, skip=()) -> list[tuple]:
    """``(rel, related_model, field_name)`` for every foreign key that points at ``model``
    (for a many-to-many relation declared on another model, the foreign key of its through
    table). Left out: the models in ``skip``, ``model``'s own relations to itself, and
    custom through tables (their own foreign key is listed instead)."""
    result = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        related = rel.related_model
        if related in skip or related._meta.auto_created:
            continue  # auto through tables come with their many-to-many relation
        if rel.many_to_many:
            if rel.field.model is model or not rel.through._meta.auto_created:
                continue
            result.append((rel, rel.through, rel.field.m2m_reverse_field_name()))
        elif rel.field.model is not model:
            result.append((rel, related, rel.field.name))
    return result


def relation_key(model, field_name: str) -> str:
    return f"{model._meta.label}.{field_name}"


def related_counts(obj, relations) -> list[dict]:
    """How many rows point at ``obj`` through each of ``relations`` (trashed ones and those
    of other organisations included: they all move in a merge)."""
    counts = []
    for rel, model, field_name in relations:
        n = model._base_manager.filter(**{field_name: obj}).count()
        label = rel.related_model._meta.verbose_name_plural
        counts.append({"key": relation_key(model, field_name), "label": label, "count": n})
    return counts


def repoint(model, field_name: str, ids, target) -> None:
    """Point the rows ``ids`` of ``model`` at ``target``; domain records are saved one by
    one (their version, search text and history follow), link rows in one update."""
    if not ids:
        return
    from .models import BaseModel

    rows = model._base_manager.filter(pk__in=ids)
    if issubclass(model, BaseModel):
        for row in rows:
            setattr(row, field_name, target)
            row.save(update_fields=[field_name])
    else:
        rows.update(**{field_name: target})


def move_all(moves: dict, target, what: str) -> None:
    """Repoint every ``{relation_key: ids}`` at ``target`` in one transaction; a clash the
    database refuses becomes an error that names ``what`` was being moved."""
    try:
        with transaction.atomic():
            for key, ids in moves.items():
                label, field_name = key.rsplit(".", 1)
                repoint(apps.get_model(label), field_name, ids, target)
    except IntegrityError as exc:
        raise ValidationError(
            _("The records of %(what)s could not be moved: %(error)s")
            % {"what": what, "error": exc}
        ) from exc
