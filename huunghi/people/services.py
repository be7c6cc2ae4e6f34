"""Writes on persons: merging duplicates (and undoing a merge), withdrawing consent."""

import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huunghi.core import audit
from huunghi.core.merging import move_all, relation_key
from huunghi.orgs.choices import Action

from .models import PERSONAL_FIELDS, Consent, Person, PersonMerge
from .selectors import FILLABLE_FIELDS, person_relations

MERGE = "huunghi.person_merge"
MERGE_UNDO = "huunghi.person_merge_undo"


def _check(model, actor, pk, action=Action.CHANGE, *, include_deleted=False):
    manager = model.all_objects if include_deleted else model._default_manager
    qs = manager.visible_to(actor, action, include_deleted=include_deleted)
    if not qs.filter(pk=pk).exists():
        raise PermissionDenied


def _is_empty(value) -> bool:
    return value in (None, "")


def merge_fill_plan(*, kept: Person, merged: Person, with_personal: bool) -> dict:
    """``{field: value}`` of the kept record's empty fields that the merged one fills
    (values as stored: ids for relations). Personal fields only ``with_personal``."""
    plan = {}
    for name in FILLABLE_FIELDS:
        if name in PERSONAL_FIELDS and not with_personal:
            continue
        attname = Person._meta.get_field(name).attname
        mine, theirs = getattr(kept, attname), getattr(merged, attname)
        if _is_empty(mine) and not _is_empty(theirs):
            plan[name] = theirs
    return plan


def may_merge_personal(actor, *persons: Person) -> bool:
    """Whether ``actor`` holds the personal-data permission on every one of ``persons``."""
    pks = {p.pk for p in persons}
    return Person.all_objects.visible_to(actor, Action.PERSONAL_DATA, include_deleted=True).filter(
        pk__in=pks
    ).count() == len(pks)


def _describe(person: Person, moves: dict) -> str:
    count = sum(len(ids) for ids in moves.values())
    return _("%(code)s %(person)s (%(count)s linked records)") % {
        "code": person.code,
        "person": person,
        "count": count,
    }


def person_merge(*, actor, kept: Person, merged: Person) -> PersonMerge:
    """Merge the duplicate ``merged`` into ``kept``: every record pointing at ``merged``
    (memberships, positions, consents and any later relation) is re-pointed at ``kept``;
    the kept record's empty fields are filled from the other (personal fields only when the
    actor may see the personal data of both); nationalities are joined; ``merged`` goes to
    the trash with ``merged_into``. What moved is kept in a ``PersonMerge`` so the merge
    can be undone."""
    with transaction.atomic(), audit.acting_as(actor):
        kept = Person.objects.select_for_update().get(pk=kept.pk)
        merged = Person.objects.select_for_update().get(pk=merged.pk)
        if kept.pk == merged.pk:
            raise ValidationError(_("A person cannot be merged with itself."))
        for person in (kept, merged):
            _check(Person, actor, person.pk)
            if person.merged_into_id:
                raise ValidationError(_("%(person)s has already been merged.") % {"person": person})
        moved = {}
        for _rel, model, field_name in person_relations():
            ids = sorted(
                model._base_manager.filter(**{field_name: merged}).values_list("pk", flat=True)
            )
            if ids:
                moved[relation_key(model, field_name)] = ids
        move_all(moved, kept, str(merged))

        plan = merge_fill_plan(
            kept=kept, merged=merged, with_personal=may_merge_personal(actor, kept, merged)
        )
        for name, value in plan.items():
            setattr(kept, Person._meta.get_field(name).attname, value)
        existing = set(kept.nationalities.values_list("pk", flat=True))
        added = sorted(set(merged.nationalities.values_list("pk", flat=True)) - existing)
        if plan:
            kept.save(update_fields=list(plan))
        if added:
            kept.nationalities.add(*added)
        filled = {name: audit._plain(value) for name, value in plan.items()}
        if added:
            filled["nationalities"] = added

        merged.merged_into = kept
        merged.save(update_fields=["merged_into"])
        merged.delete()
        merge = PersonMerge.objects.create(
            kept=kept, merged=merged, moved=moved, filled=filled, merged_by=actor
        )
        audit.write_log(kept, MERGE, {"merged": [None, _describe(merged, moved)]})
        audit.write_log(merged, MERGE, {"merged_into": [None, f"{kept.code} {kept}"]})
        kept.refresh_consent_state()
    return merge


def person_merge_undo(*, actor, merge: PersonMerge) -> PersonMerge:
    """Undo ``merge``: exactly the records it moved (those still pointing at the kept
    record) go back to the merged person, the fields it filled are cleared where they still
    hold the filled value, the nationalities it added are removed, and the merged person
    is restored."""
    with transaction.atomic(), audit.acting_as(actor):
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at:
            raise ValidationError(_("This merge has already been undone."))
        kept = Person.objects.select_for_update().get(pk=merge.kept_id)
        merged = Person.all_objects.select_for_update().get(pk=merge.merged_id)
        _check(PersonMerge, actor, merge.pk)
        _check(Person, actor, kept.pk)
        _check(Person, actor, merged.pk, include_deleted=True)

        back = {}
        for key, ids in merge.moved.items():
            label, field_name = key.rsplit(".", 1)
            model = apps.get_model(label)
            back[key] = list(
                model._base_manager.filter(pk__in=ids, **{field_name: kept}).values_list(
                    "pk", flat=True
                )
            )
        merged.restore()
        merged.merged_into = None
        merged.save(update_fields=["merged_into"])
        move_all(back, merged, str(kept))

        cleared = []
        filled = dict(merge.filled)
        added = filled.pop("nationalities", [])
        for name, value in filled.items():
            field = Person._meta.get_field(name)
            if audit._plain(getattr(kept, field.attname)) == value:
                setattr(kept, field.attname, None if field.null else "")
                cleared.append(name)
        if cleared:
            kept.save(update_fields=cleared)
        if added:
            kept.nationalities.remove(*added)

        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
        audit.write_log(kept, MERGE_UNDO, {"merged": [None, _describe(merged, back)]})
        audit.write_log(merged, MERGE_UNDO, {"merged_into": [f"{kept.code} {kept}", None]})
        kept.refresh_consent_state()
        merged.refresh_consent_state()
    return merge


def consent_withdraw(*, actor, consent: Consent, on: datetime.date, note: str = "") -> Consent:
    """Record that the person withdrew ``consent`` on ``on``: from then on the person is
    flagged, left out of exports of personal data and of mailings."""
    with transaction.atomic(), audit.acting_as(actor):
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        _check(Consent, actor, consent.pk)
        if consent.withdrawn_on:
            raise ValidationError(
                {
                    "withdrawn_on": _("This consent was already withdrawn on %(date)s.")
                    % {"date": consent.withdrawn_on.strftime("%d/%m/%Y")}
                }
            )
        consent.withdrawn_on = on
        consent.withdrawal_note = note
        consent.full_clean()
        consent.save()
    return consent
