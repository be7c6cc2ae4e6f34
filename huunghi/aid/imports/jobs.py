"""The aid import as a job: upload, first pass (check both sheets), confirmation, second
pass (check again and write everything in one transaction), and the file of rejected rows.

An import applies whole or not at all: confirming is possible only when no row of either
sheet has a problem. Imported activities are historical records: they are created live, in
the status the file gives, with a first revision so that Wagtail's history, comparison and
later edits work as for any activity.
"""

import datetime
import gzip
import io
import json
import logging

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from wagtail.models import Revision

from huunghi.core.audit import acting_as, write_log
from huunghi.orgs.choices import Action, OrgKind
from huunghi.orgs.imports import BATCH, ImportFileError
from huunghi.orgs.imports import decode as _decode
from huunghi.orgs.imports import job_finish as _finish
from huunghi.orgs.imports import job_update as _update
from huunghi.orgs.imports import may as _may
from huunghi.orgs.imports import text as _text
from huunghi.orgs.models import ImportJob, Organization

from ..models import (
    ActivityBeneficiary,
    ActivityDonor,
    ActivityLocation,
    ActivitySector,
    AidActivity,
    AidTransaction,
    share_weight,
)
from ..services.rates import RateTable
from .checks import AidRows
from .columns import (
    ACTIVITY_COLUMNS,
    ACTIVITY_SHEET,
    ERROR_HEADER,
    IMPORT_ACTION,
    KIND,
    ROW_HEADER,
    TRANSACTION_COLUMNS,
    TRANSACTION_SHEET,
    Sheet,
    map_headers,
    open_workbook,
    read_sheet,
)

logger = logging.getLogger(__name__)

#: the organisations that own aid activities
TARGET_KINDS = (OrgKind.NATIONAL_UNION, OrgKind.PROVINCIAL_UNION, OrgKind.ASSOCIATION)


def import_targets(user):
    """The organisations ``user`` may import aid history into."""
    return Organization.objects.visible_to(user, Action.CHANGE).filter(kind__in=TARGET_KINDS)


# -- reading and keeping the cells ---------------------------------------------------------


def read_workbook(fileobj, *, name: str) -> tuple[Sheet, Sheet | None]:
    """The activities sheet (“Khoản viện trợ”, else the first sheet) and the transactions
    sheet (“Giao dịch”, optional) of an uploaded workbook."""
    wb = open_workbook(fileobj, name=name)
    activities = read_sheet(wb, ACTIVITY_SHEET, ACTIVITY_COLUMNS, first=True)
    transactions = None
    if activities.name != TRANSACTION_SHEET:
        transactions = read_sheet(wb, TRANSACTION_SHEET, TRANSACTION_COLUMNS)
    if not activities.rows:
        raise ImportFileError(
            _("The sheet “%(sheet)s” has no activity rows below the header row.")
            % {"sheet": activities.name}
        )
    return activities, transactions


def _save_sheets(job: ImportJob, sheets) -> str:
    data = [
        None
        if sheet is None
        else {"name": sheet.name, "headers": sheet.headers, "rows": sheet.rows}
        for sheet in sheets
    ]
    payload = gzip.compress(json.dumps(data, separators=(",", ":")).encode(), compresslevel=1)
    return job.file.storage.save(f"{job.file.name}.cells.json.gz", ContentFile(payload))


def _load_sheets(job: ImportJob) -> tuple[Sheet, Sheet | None]:
    with job.file.storage.open(job.result["cells"], "rb") as handle:
        data = json.loads(gzip.decompress(handle.read()))
    sheets = []
    for stored, columns in zip(data, (ACTIVITY_COLUMNS, TRANSACTION_COLUMNS), strict=True):
        if stored is None:
            sheets.append(None)
            continue
        index = map_headers(stored["headers"], columns, sheet=stored["name"])
        rows = [(n, cells) for n, cells in stored["rows"]]
        sheets.append(Sheet(stored["name"], columns, stored["headers"], index, rows))
    return sheets[0], sheets[1]


# -- the passes ------------------------------------------------------------------------------


def aid_import_start(*, actor, organization: Organization, uploaded_file) -> ImportJob:
    """Keep an uploaded aid workbook as an import job of ``organization``; queue its check."""
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
    from .tasks import aid_import_validate_task

    aid_import_validate_task.enqueue(job.pk)
    return job


def _summary(checker: AidRows, activities, transactions) -> dict:
    missing = checker.missing_rates(transactions)
    return {
        "activities": len(activities),
        "transactions": len(transactions),
        "missing_rates": sum(missing.values()),
        "missing_rates_by_currency": missing,
    }


def aid_import_validate(job_id: int) -> None:
    """First pass (background): read both sheets, check every row, store the problems."""
    job = ImportJob.all_objects.select_related("organization", "created_by").get(pk=job_id)
    with translation.override(job.options.get("language")):
        _update(job, status=ImportJob.Status.VALIDATING, processed_rows=0)
        try:
            with job.file.open("rb") as handle:
                activities, transactions = read_workbook(handle, name=job.original_name)
            total = len(activities.rows) + (len(transactions.rows) if transactions else 0)
            _update(job, total_rows=total)
            cells = _save_sheets(job, (activities, transactions))
            checker = AidRows(actor=job.created_by, target=job.organization)
            parsed_a, parsed_t, problems = checker.check(
                activities,
                transactions,
                progress=lambda n, _total: _update(job, processed_rows=n),
            )
            summary = _summary(checker, parsed_a, parsed_t)
        except ImportFileError as exc:
            _finish(job, ImportJob.Status.FAILED, error=str(exc))
            return
        except Exception as exc:
            logger.exception("aid import %s: the check failed", job.pk)
            _finish(
                job,
                ImportJob.Status.FAILED,
                error=_("The file could not be checked: %(error)s")
                % {"error": str(exc) or exc.__class__.__name__},
            )
            return
        bad = {(p["sheet"], p["row"]) for p in problems}
        _update(
            job,
            status=ImportJob.Status.INVALID if problems else ImportJob.Status.VALID,
            total_rows=total,
            processed_rows=total,
            clean_rows=total - len(bad),
            problems=problems,
            result={**job.result, "cells": cells, **summary},
            finished_at=timezone.now(),
        )


def aid_import_confirm(*, actor, job: ImportJob) -> None:
    """The user confirms a file without problems: queue the second pass."""
    if not ImportJob.objects.visible_to(actor, Action.CHANGE).filter(pk=job.pk).exists():
        raise PermissionDenied
    if job.status == ImportJob.Status.INVALID:
        raise ValidationError(
            _("The file has problems: correct them and upload it again. Nothing has been written.")
        )
    if job.status != ImportJob.Status.VALID:
        raise ValidationError(_("This import is not waiting for confirmation."))
    options = {**job.options, "confirmed_by": actor.pk}
    options["language"] = translation.get_language() or options.get("language")
    updated = ImportJob.all_objects.filter(pk=job.pk, status=job.status).update(
        status=ImportJob.Status.APPLYING, options=options, processed_rows=0
    )
    if not updated:
        raise ValidationError(_("This import is not waiting for confirmation."))
    from .tasks import aid_import_apply_task

    aid_import_apply_task.enqueue(job.pk)


def aid_import_apply(job_id: int) -> None:
    """Second pass (background): check both sheets again and, if nothing is wrong, write the
    activities and their transactions in one transaction; otherwise nothing is written."""
    job = ImportJob.all_objects.select_related("organization").get(pk=job_id)
    actor = get_user_model().objects.get(pk=job.options["confirmed_by"])
    with translation.override(job.options.get("language")):
        try:
            activities, transactions = _load_sheets(job)
            checker = AidRows(actor=actor, target=job.organization)
            parsed_a, parsed_t, problems = checker.check(
                activities,
                transactions,
                progress=lambda n, _total: _update(job, processed_rows=n),
            )
            _update(job, processed_rows=job.total_rows)
            if problems:
                bad = {(p["sheet"], p["row"]) for p in problems}
                _update(
                    job,
                    status=ImportJob.Status.INVALID,
                    problems=problems,
                    clean_rows=job.total_rows - len(bad),
                    finished_at=timezone.now(),
                )
                return
            with transaction.atomic(), acting_as(actor):
                if not _may(actor, job.organization, Action.CHANGE):
                    raise PermissionDenied
                counts = _write(
                    [v for _n, v in parsed_a], [v for _n, v in parsed_t], job.organization, actor
                )
                _update(
                    job,
                    status=ImportJob.Status.APPLIED,
                    result={**job.result, **counts},
                    finished_at=timezone.now(),
                )
                write_log(job, IMPORT_ACTION, {k: [None, v] for k, v in counts.items()})
        except Exception as exc:  # nothing was written: the job says why
            if not isinstance(exc, ValidationError | PermissionDenied):
                logger.exception("aid import %s: applying failed", job.pk)
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            if isinstance(exc, PermissionDenied):
                message = _("You may no longer change this organisation.")
            _finish(
                job,
                ImportJob.Status.FAILED,
                error=_("The import failed and nothing was written: %(error)s")
                % {"error": message or exc.__class__.__name__},
            )


# -- writing -------------------------------------------------------------------------------


def _activity(v: dict, target: Organization, now) -> AidActivity:
    activity = AidActivity(
        organization=target,
        reference=v["reference"],
        form_id=v["form_id"],
        title_vi=v["title_vi"],
        title_en=v["title_en"],
        description=v["description"],
        implementing_partner_id=v["implementing_partner_id"],
        aid_owner=v["aid_owner"],
        managing_agency=v["managing_agency"],
        mobilised_by_id=v["mobilised_by_id"],
        planned_start=v["planned_start"],
        planned_end=v["planned_end"],
        actual_start=v["actual_start"],
        actual_end=v["actual_end"],
        iati_identifier=v["iati_identifier"],
        status=v["status"],
        decision_number=v["decision_number"],
        decision_date=v["decision_date"],
        decision_authority=v["decision_authority"],
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
    )
    activity.search_text = activity.build_search_text()  # bulk_create skips save()
    return activity


def _write(activities: list[dict], transactions: list[dict], target, actor) -> dict:
    """Create the activities with their donors, sectors, locations and beneficiaries, a
    first (live) revision of each, and their transactions with the đồng value at the rate
    of their date. Returns the counts."""
    now = timezone.now()
    objects = [_activity(v, target, now) for v in activities]
    AidActivity.objects.bulk_create(objects, batch_size=BATCH)
    children: dict[str, list] = {"donors": [], "sectors": [], "locations": [], "beneficiaries": []}
    by_activity = []
    for activity, v in zip(objects, activities, strict=True):
        mine = {
            "donors": [ActivityDonor(activity=activity, partner_id=pk) for pk in v["donor_ids"]],
            "sectors": [
                ActivitySector(
                    activity=activity, sector_id=pk, share=share, weight=share_weight(share)
                )
                for pk, share in v["sector_shares"]
            ],
            "locations": [
                ActivityLocation(
                    activity=activity,
                    unit_id=pk,
                    share=share,
                    weight=share_weight(share),
                    province_id=province,
                )
                for pk, share, province in v["location_shares"]
            ],
            "beneficiaries": [
                ActivityBeneficiary(activity=activity, group_id=pk, number=number)
                for pk, number in v["beneficiary_numbers"]
            ],
        }
        for name, items in mine.items():
            children[name].extend(items)
        by_activity.append(mine)
    for model, name in (
        (ActivityDonor, "donors"),
        (ActivitySector, "sectors"),
        (ActivityLocation, "locations"),
        (ActivityBeneficiary, "beneficiaries"),
    ):
        model.objects.bulk_create(children[name], batch_size=BATCH)
    _first_revisions(objects, by_activity, actor, now)
    references = {v["reference"].casefold(): a for a, v in zip(objects, activities, strict=True)}
    rows = []
    rates = RateTable({v["currency"] for v in transactions})
    for v in transactions:
        tx = AidTransaction(
            activity=references[v["activity"].casefold()],
            kind=v["kind"],
            date=v["date"],
            amount=v["amount"],
            currency=v["currency"],
            provider_id=v["provider_id"],
            vnd_credited=v["vnd_credited"],
            description=v["description"],
        )
        tx.apply_rate(rates)
        tx.search_text = tx.build_search_text()
        rows.append(tx)
    AidTransaction.objects.bulk_create(rows, batch_size=BATCH)
    return {
        "activities_created": len(objects),
        "transactions_created": len(rows),
        "transactions_without_rate": sum(1 for tx in rows if tx.vnd is None),
    }


def _first_revisions(objects, by_activity, actor, now) -> None:
    """A first revision of each activity, marked latest and live, as publishing it would."""
    content_type = ContentType.objects.get_for_model(AidActivity)
    revisions = []
    for activity, mine in zip(objects, by_activity, strict=True):
        # Children and relations in memory: serialising reads no rows.
        for name, items in mine.items():
            setattr(activity, name, items)
        activity.needs = []
        activity.attachments = []
        revisions.append(
            Revision(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(activity.pk),
                user=actor,
                content=activity.serializable_data(),
                object_str=str(activity),
                created_at=now,
            )
        )
    Revision.objects.bulk_create(revisions, batch_size=BATCH)
    for activity, revision in zip(objects, revisions, strict=True):
        activity.latest_revision = revision
        activity.live_revision = revision
    AidActivity.objects.bulk_update(objects, ["latest_revision", "live_revision"], batch_size=BATCH)


# -- rejected rows -------------------------------------------------------------------------


def rejected_rows_xlsx(*, actor, job: ImportJob) -> bytes:
    """The rows of both sheets that have problems, as uploaded, each with a column that says
    what is wrong in it and the row it came from."""
    activities, transactions = _load_sheets(job)
    messages: dict[tuple[str, int], list[str]] = {}
    for p in job.problems:
        where = f"{p['column']} ({p['letter']})" if p.get("letter") else p["column"]
        messages.setdefault((p["sheet"], p["row"]), []).append(f"{where}: {p['message']}")
    wb = Workbook(write_only=True)
    for sheet in (activities, transactions):
        if sheet is None:
            continue
        ws = wb.create_sheet(sheet.name)
        ws.append([*sheet.headers, ERROR_HEADER, ROW_HEADER])
        for n, cells in sheet.rows:
            found = messages.get((sheet.name, n))
            if not found:
                continue
            values = [_text(c) if isinstance(c, datetime.date) else c for c in map(_decode, cells)]
            ws.append([*values, "\n".join(found), n])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
