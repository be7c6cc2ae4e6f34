"""Member import, the job side: upload, first pass (check), confirmation, second pass (write
the clean rows in one transaction), and the file of rejected rows."""

import datetime
import gzip
import io
import json
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from huunghi.core.audit import acting_as, write_log
from huunghi.core.text import normalise
from huunghi.orgs.choices import Action
from huunghi.orgs.imports import job_finish as _finish
from huunghi.orgs.imports import job_update as _update
from huunghi.orgs.models import ImportJob, Organization
from huunghi.people.choices import ConsentMethod, ConsentPurpose, ConsentState
from huunghi.people.models import Consent, Person

from ..choices import MemberKind
from ..models import Membership, MembershipPeriod
from .rows import (
    BATCH,
    BY_HEADER,
    ERROR_HEADER,
    IMPORT_ACTION,
    KIND,
    SHEET,
    TARGET_KINDS,
    ImportFileError,
    MemberRows,
    _chunks,
    _decode,
    _may,
    _text,
    read_xlsx,
)

logger = logging.getLogger(__name__)


# -- the job -------------------------------------------------------------------------------


def _save_cells(job: ImportJob, headers, rows) -> str:
    data = gzip.compress(
        json.dumps({"headers": headers, "rows": rows}, separators=(",", ":")).encode(),
        compresslevel=1,
    )
    return job.file.storage.save(f"{job.file.name}.cells.json.gz", ContentFile(data))


def _load_cells(job: ImportJob):
    with job.file.storage.open(job.result["cells"], "rb") as handle:
        data = json.loads(gzip.decompress(handle.read()))
    return data["headers"], [tuple(r) for r in data["rows"]]


def member_import_start(*, actor, organization: Organization, uploaded_file) -> ImportJob:
    """Keep an uploaded member list as an import job of ``organization`` and queue its check."""
    if organization.kind not in TARGET_KINDS or not _may(actor, organization, Action.CHANGE):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor):
        job = ImportJob(
            organization=organization,
            kind=KIND,
            file=uploaded_file,
            original_name=uploaded_file.name[:255],
            created_by=actor,
            options={"language": translation.get_language() or "vi"},
        )
        job.save()
    from ..tasks import member_import_validate_task

    member_import_validate_task.enqueue(job.pk)
    return job


def member_import_validate(job_id: int) -> None:
    """First pass (background): read the file, check every row, store the problems."""
    job = ImportJob.all_objects.select_related("organization", "created_by").get(pk=job_id)
    with translation.override(job.options.get("language")):
        _update(job, status=ImportJob.Status.VALIDATING, processed_rows=0)
        try:
            with job.file.open("rb") as handle:
                headers, rows = read_xlsx(
                    handle,
                    name=job.original_name,
                    progress=lambda n, total: _update(
                        job, processed_rows=n, total_rows=max(n, total - 1) if total else 0
                    ),
                )
            cells = _save_cells(job, headers, rows)
            checker = MemberRows(actor=job.created_by, target=job.organization)
            clean, problems = checker.check(headers, rows)
        except ImportFileError as exc:
            _finish(job, ImportJob.Status.FAILED, error=str(exc))
            return
        except Exception as exc:
            logger.exception("member import %s: the check failed", job.pk)
            _finish(
                job,
                ImportJob.Status.FAILED,
                error=_("The file could not be checked: %(error)s")
                % {"error": str(exc) or exc.__class__.__name__},
            )
            return
        _update(
            job,
            status=ImportJob.Status.INVALID if problems else ImportJob.Status.VALID,
            total_rows=len(rows),
            processed_rows=len(rows),
            clean_rows=len(clean),
            problems=problems,
            result={**job.result, "cells": cells},
            finished_at=timezone.now(),
        )


def member_import_confirm(*, actor, job: ImportJob, clean_only: bool) -> None:
    """The user confirms: queue the second pass. Refused while the file has problems unless
    the user chose to import the clean rows only."""
    if not ImportJob.objects.visible_to(actor, Action.CHANGE).filter(pk=job.pk).exists():
        raise PermissionDenied
    if job.status not in (ImportJob.Status.VALID, ImportJob.Status.INVALID):
        raise ValidationError(_("This import is not waiting for confirmation."))
    if job.problems and not clean_only:
        raise ValidationError(
            _(
                "The file has problems: correct them and upload it again, or import the clean rows only."
            )
        )
    if not job.clean_rows:
        raise ValidationError(_("No row of the file is free of problems."))
    options = {**job.options, "clean_only": clean_only, "confirmed_by": actor.pk}
    options["language"] = translation.get_language() or options.get("language")
    updated = ImportJob.all_objects.filter(pk=job.pk, status=job.status).update(
        status=ImportJob.Status.APPLYING, options=options, processed_rows=0
    )
    if not updated:
        raise ValidationError(_("This import is not waiting for confirmation."))
    from ..tasks import member_import_apply_task

    member_import_apply_task.enqueue(job.pk)


def member_import_apply(job_id: int) -> None:
    """Second pass (background): check the rows again and write the clean ones, all in one
    transaction; if anything fails nothing is written and the job shows the error."""
    job = ImportJob.all_objects.select_related("organization").get(pk=job_id)
    actor = get_user_model().objects.get(pk=job.options["confirmed_by"])
    clean_only = job.options.get("clean_only", False)
    with translation.override(job.options.get("language")):
        try:
            headers, rows = _load_cells(job)
            checker = MemberRows(actor=actor, target=job.organization)
            clean, problems = checker.check(
                headers, rows, progress=lambda n, total: _update(job, processed_rows=n)
            )
            _update(job, processed_rows=len(rows))
            if problems and not clean_only:
                _update(
                    job,
                    status=ImportJob.Status.INVALID,
                    problems=problems,
                    clean_rows=len(clean),
                    finished_at=timezone.now(),
                )
                return
            if not clean:
                raise ValidationError(_("No row of the file is free of problems."))
            with transaction.atomic(), acting_as(actor):
                if not _may(actor, job.organization, Action.CHANGE):
                    raise PermissionDenied
                counts = _write(clean, checker)
                counts["rows_skipped"] = len(rows) - len(clean)
                _update(
                    job,
                    status=ImportJob.Status.APPLIED,
                    problems=problems,
                    clean_rows=len(clean),
                    result={**job.result, **counts},
                    finished_at=timezone.now(),
                )
                write_log(job, IMPORT_ACTION, {k: [None, v] for k, v in counts.items()})
        except Exception as exc:  # nothing was written: the job says why
            if not isinstance(exc, ValidationError | PermissionDenied):
                logger.exception("member import %s: applying failed", job.pk)
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            if isinstance(exc, PermissionDenied):
                message = _("You may no longer change this organisation.")
            _finish(
                job,
                ImportJob.Status.FAILED,
                error=_("The import failed and nothing was written: %(error)s")
                % {"error": message or exc.__class__.__name__},
            )


def _write(clean, checker: MemberRows) -> dict:
    """Create the persons, memberships, first status periods and consents of ``clean``."""
    new_persons = []
    for _n, v in clean:
        if v["person_id"]:
            continue
        person = Person(
            organization_id=v["organization_id"],
            family_name=v["family_name"],
            middle_name=v["middle_name"],
            given_name=v["given_name"],
            gender=v["gender"] or "",
            date_of_birth=v["date_of_birth"],
            phone=v["phone"],
            email=v["email"],
            address=v["address"],
            commune_id=v["commune_id"],
            occupation=v["occupation"],
            workplace=v["workplace"],
            ethnicity=v["ethnicity"] or "",
            consent_state=ConsentState.GIVEN if v["consent"] else ConsentState.NONE,
        )
        person.fill_derived()  # bulk_create skips save()
        new_persons.append(person)
        v["person"] = person
    Person.objects.bulk_create(new_persons, batch_size=BATCH)
    Through = Person.nationalities.through
    Through.objects.bulk_create(
        [
            Through(person_id=v["person"].pk, country_id=c)
            for _n, v in clean
            if "person" in v
            for c in v["country_ids"]
        ],
        batch_size=BATCH,
    )
    memberships = []
    for _n, v in clean:
        person_id = v["person"].pk if "person" in v else v["person_id"]
        full_name = " ".join(p for p in (v["family_name"], v["middle_name"], v["given_name"]) if p)
        memberships.append(
            Membership(
                organization_id=v["organization_id"],
                kind=MemberKind.INDIVIDUAL,
                person_id=person_id,
                joined_on=v["joined_on"],
                card_number=v["card_number"],
                status=v["status"],
                status_since=v["joined_on"],
                search_text=normalise(f"{full_name} {v['card_number']}"),
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    MembershipPeriod.objects.bulk_create(
        [
            MembershipPeriod(membership_id=m.pk, status=m.status, valid_from=m.joined_on)
            for m in memberships
        ],
        batch_size=BATCH,
    )
    consents = [
        Consent(
            person_id=m.person_id,
            purposes=[ConsentPurpose.MEMBERSHIP],
            given_on=v["consent_on"],
            method=ConsentMethod.WRITTEN,
        )
        for (_n, v), m in zip(clean, memberships, strict=True)
        if v["consent"]
    ]
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    _refresh_consent_states({v["person_id"] for _n, v in clean if v["person_id"] and v["consent"]})
    return {
        "persons_created": len(new_persons),
        "memberships_created": len(memberships),
        "consents_created": len(consents),
    }


def _refresh_consent_states(person_ids: set[int]) -> None:
    """``Person.refresh_consent_state`` for many existing persons, in a few queries."""
    latest = {}
    for chunk in _chunks(person_ids):
        for pid, withdrawn in (
            Consent.objects.filter(person_id__in=chunk)
            .order_by("person_id", "given_on", "id")
            .values_list("person_id", "withdrawn_on")
        ):
            latest[pid] = ConsentState.WITHDRAWN if withdrawn else ConsentState.GIVEN
    for state in (ConsentState.GIVEN, ConsentState.WITHDRAWN):
        ids = [pid for pid, s in latest.items() if s == state]
        for chunk in _chunks(ids):
            Person.all_objects.filter(pk__in=chunk).update(consent_state=state)


# -- rejected rows -------------------------------------------------------------------------


def rejected_rows_xlsx(*, actor, job: ImportJob) -> bytes:
    """The rows of the file that have problems, as uploaded, with a column that says what is
    wrong in each; personal columns are left empty for a user without the permission."""
    headers, rows = _load_cells(job)
    messages: dict[int, list[str]] = {}
    for p in job.problems:
        where = f"{p['column']} ({p['letter']})" if p.get("letter") else p["column"]
        messages.setdefault(p["row"], []).append(f"{where}: {p['message']}")
    hidden = set()
    if not _may(actor, job.organization, Action.PERSONAL_DATA):
        hidden = {
            i
            for i, h in enumerate(headers)
            if getattr(BY_HEADER.get(normalise(h.rstrip("* "))), "personal", False)
        }
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([*headers, ERROR_HEADER, "Dòng trong tệp gốc"])
    for n, cells in rows:
        if n not in messages:
            continue
        values = [
            None if i in hidden else _text(c) if isinstance(c, datetime.date) else c
            for i, c in enumerate(map(_decode, cells))
        ]
        ws.append([*values, "\n".join(messages[n]), n])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
