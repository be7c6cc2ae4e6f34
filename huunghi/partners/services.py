"""Writes on the partner registry: merging a duplicate partner into the record kept."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import UniqueConstraint
from django.utils.translation import gettext as _

from huunghi.core import audit
from huunghi.core.merging import move_all, relation_key
from huunghi.core.models import BaseModel
from huunghi.orgs.choices import Action

from .models import Partner
from .selectors import partner_relations

MERGE = "huunghi.partner_merge"

#: fields a merge fills on the kept partner from the merged one (when empty on the kept one)
FILLABLE_FIELDS = (
    "name_vi",
    "acronym",
    "country",
    "headquarters",
    "address_in_vietnam",
    "iati_identifier",
    "website",
    "email",
    "phone",
    "person",
    "note",
)

#: many-to-many fields of the partner whose values the kept partner gains
JOINED_FIELDS = ("countries", "sectors")


def _is_empty(value) -> bool:
    return value in (None, "")


def merge_fill_plan(*, kept: Partner, merged: Partner) -> dict:
    """``{field: value}`` of the kept partner's empty fields that the merged one fills
    (values as stored: ids for relations)."""
    plan = {}
    for name in FILLABLE_FIELDS:
        attname = Partner._meta.get_field(name).attname
        mine, theirs = getattr(kept, attname), getattr(merged, attname)
        if _is_empty(mine) and not _is_empty(theirs):
            plan[name] = theirs
    return plan


def _check_change(actor, partner: Partner):
    if not Partner.objects.visible_to(actor, Action.CHANGE).filter(pk=partner.pk).exists():
        raise PermissionDenied


def _unique_sets(model, field_name: str) -> list[tuple[str, ...]]:
    """The unconditional unique sets of ``model`` that include ``field_name``."""
    sets = [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, UniqueConstraint) and c.condition is None and field_name in c.fields
    ]
    sets += [tuple(u) for u in model._meta.unique_together if field_name in u]
    if model._meta.get_field(field_name).unique:
        sets.append((field_name,))
    return sets


def _clashes(model, field_name: str, ids, kept: Partner) -> list[int]:
    """The rows among ``ids`` that would repeat a row of ``kept`` once re-pointed (the same
    activity listing both partners as donors, say)."""
    clashing = set()
    for fields in _unique_sets(model, field_name):
        others = [model._meta.get_field(f).attname for f in fields if f != field_name]
        mine = model._base_manager.filter(**{field_name: kept})
        if not others:
            if mine.exists():
                clashing |= set(ids)
            continue
        taken = set(mine.values_list(*others))
        for pk, *values in model._base_manager.filter(pk__in=ids).values_list("pk", *others):
            if tuple(values) in taken:
                clashing.add(pk)
    return sorted(clashing)


def _revision_owners(model, field_name: str, ids):
    """For rows of ``model`` that belong to a record with revisions (an aid activity, or a
    donor row of one): ``(owner model, owner ids, child accessor or None, dedupe)``."""
    from modelcluster.fields import ParentalKey
    from wagtail.models import RevisionMixin

    if issubclass(model, RevisionMixin):
        return model, list(ids), None, False
    for fld in model._meta.fields:
        if isinstance(fld, ParentalKey) and issubclass(fld.related_model, RevisionMixin):
            owner_ids = set(
                model._base_manager.filter(pk__in=ids).values_list(fld.attname, flat=True)
            )
            dedupe = any(set(s) == {fld.name, field_name} for s in _unique_sets(model, field_name))
            return fld.related_model, owner_ids, fld.remote_field.get_accessor_name(), dedupe
    return None


def _repoint_revisions(owners: list, field_name_by_owner: dict, merged_pk: int, kept_pk: int):
    """Re-point the latest revision of each record in ``owners`` too: the edit form of a
    record with drafts is loaded from it, and publishing it would bring the merged partner
    back. Older revisions are history and stay as they were."""
    for (model, owner_ids, accessor, dedupe), field_name in zip(
        owners, field_name_by_owner, strict=True
    ):
        for owner in model._base_manager.filter(pk__in=owner_ids).select_related("latest_revision"):
            revision = owner.latest_revision
            if revision is None or not isinstance(revision.content, dict):
                continue
            content, changed = revision.content, False
            if accessor is None:
                if content.get(field_name) == merged_pk:
                    content[field_name], changed = kept_pk, True
            else:
                kept_items, seen = [], False
                for item in content.get(accessor) or []:
                    if item.get(field_name) == merged_pk:
                        item[field_name], changed = kept_pk, True
                    if dedupe and item.get(field_name) == kept_pk:
                        if seen:
                            changed = True
                            continue
                        seen = True
                    kept_items.append(item)
                content[accessor] = kept_items
            if changed:
                revision.content = content
                revision.save(update_fields=["content"])


def _describe(partner: Partner, *moves: dict) -> str:
    count = sum(len(ids) for move in moves for ids in move.values())
    return _("%(partner)s (%(count)s linked records)") % {"partner": partner, "count": count}


def partner_merge(*, actor, kept: Partner, merged: Partner) -> Partner:
    """Merge the duplicate ``merged`` into ``kept``: every record pointing at ``merged``
    (certificates, contacts and interactions of every organisation, aid activities it gives
    to or carries out, transactions it provides, and any relation later parts add) is
    re-pointed at ``kept``; a link the kept partner already has (the same activity naming
    both as donors) is dropped rather than repeated; the kept partner's empty fields are
    filled from the other and it gains its countries and sectors; ``merged`` goes to the
    trash. Both partners must be within the actor's change scope. Both records' histories
    say what happened."""
    with transaction.atomic(), audit.acting_as(actor):
        if kept.pk == merged.pk:
            raise ValidationError(_("A partner cannot be merged with itself."))
        kept = Partner.objects.select_for_update().get(pk=kept.pk)
        merged = Partner.objects.select_for_update().get(pk=merged.pk)
        for partner in (kept, merged):
            _check_change(actor, partner)

        moved, dropped, owners, owner_fields = {}, {}, [], []
        for _rel, model, field_name in partner_relations():
            ids = sorted(
                model._base_manager.filter(**{field_name: merged}).values_list("pk", flat=True)
            )
            if not ids:
                continue
            key = relation_key(model, field_name)
            owner = _revision_owners(model, field_name, ids)
            if owner is not None:
                owners.append(owner)
                owner_fields.append(field_name)
            clashing = _clashes(model, field_name, ids, kept)
            if clashing and issubclass(model, BaseModel):
                raise ValidationError(
                    _(
                        "%(count)s %(what)s of “%(merged)s” cannot be moved: “%(kept)s” "
                        "already has the same ones. Resolve them first."
                    )
                    % {
                        "count": len(clashing),
                        "what": model._meta.verbose_name_plural,
                        "merged": merged,
                        "kept": kept,
                    }
                )
            if clashing:
                model._base_manager.filter(pk__in=clashing).delete()
                dropped[key] = clashing
            ids = [pk for pk in ids if pk not in set(clashing)]
            if ids:
                moved[key] = ids
        move_all(moved, kept, str(merged))
        _repoint_revisions(owners, owner_fields, merged.pk, kept.pk)

        merged.delete()
        plan = merge_fill_plan(kept=kept, merged=merged)
        for name, value in plan.items():
            setattr(kept, Partner._meta.get_field(name).attname, value)
        if plan:
            kept.validate_constraints()
            kept.save(update_fields=list(plan))
        joined = {}
        for name in JOINED_FIELDS:
            manager = getattr(kept, name)
            added = [o for o in getattr(merged, name).all() if o not in set(manager.all())]
            if added:
                manager.add(*added)
                joined[name] = [None, ", ".join(str(o) for o in added)]

        audit.write_log(
            kept, MERGE, {"merged": [None, _describe(merged, moved, dropped)], **joined}
        )
        audit.write_log(merged, MERGE, {"merged_into": [None, str(kept)]})
    return kept
