"""What every spreadsheet import shares (member lists, aid history, exchange rates): the
columns of a file, its cells, the folded keys that lookups use, dates as Vietnamese files
write them, batches, and the progress of the background job (``ImportJob``)."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone

from huunghi.core.text import normalise
from huunghi.places.models import CodeSystem, UnitLevel

BATCH = 1000
CHUNK = 500  # ids per ``__in`` query
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES, NO = "Có", "Không"
DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese: the file format, not translated
    label: object  # the field, in the user's language
    width: int = 16
    required: bool = False
    personal: bool = False
    max_length: int = 0


class ImportFileError(Exception):
    """The file as a whole cannot be read as the import expects; the message says why."""


def key(value) -> str:
    """A value folded for lookups: no diacritics, case, spaces or hyphens."""
    return re.sub(r"[\s\-–]", "", normalise(value))


def exact(value) -> str:
    """A name compared exactly but for case and spacing (diacritics kept, NFC)."""
    return " ".join(unicodedata.normalize("NFC", str(value)).lower().split())


def may(user, organization, action) -> bool:
    from .models import Organization

    return Organization.objects.visible_to(user, action).filter(pk=organization.pk).exists()


def province_of(target):
    """The current-code province of the target or its nearest ancestor that has one."""
    chain = [target, *reversed(list(target.get_ancestors().select_related("unit__parent")))]
    for org in chain:
        unit = org.unit
        if unit is None or unit.code_system != CodeSystem.GSO_2025:
            continue
        if unit.level == UnitLevel.PROVINCE:
            return unit
        if unit.level == UnitLevel.COMMUNE:
            return unit.parent
    return None


def encode(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return {"d": value.isoformat()[:10]}
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return value


def decode(value):
    if isinstance(value, dict):
        return datetime.date.fromisoformat(value["d"])
    return value


def cell(value):
    """A cell as openpyxl gives it: None when empty, whole numbers as int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text: spaces folded, whole numbers without ".0", dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def date(value) -> datetime.date | None:
    """A date cell, or text written dd/mm/yyyy (also with . or -) or yyyy-mm-dd; None else."""
    if isinstance(value, datetime.date):
        return value
    written = text(value)
    match = DATE_RE.match(written)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
        match = ISO_DATE_RE.match(written)
        if match:
            return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return None


def chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def job_update(job, **fields):
    """Write job fields without a log entry or version check (progress, status)."""
    type(job).all_objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def job_finish(job, status, *, error: str = "", **result):
    """End the job with ``status``, adding ``result`` (and ``error``) to what it reports."""
    job_update(
        job,
        status=status,
        result={**job.result, **result, **({"error": error} if error else {})},
        finished_at=timezone.now(),
    )
