"""Exchange rates kept by hand and from files: what follows a change of rate (the
recomputation of the đồng values it governs), and the import of rates from .csv or .xlsx —
check every row, show the problems or a preview, apply in one transaction once confirmed."""

import csv
import datetime
import io
import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from huunghi.core.audit import acting_as
from huunghi.core.money import validate_currency
from huunghi.orgs import visibility
from huunghi.orgs.choices import Action
from huunghi.orgs.imports import ImportFileError
from huunghi.orgs.imports import date as _date
from huunghi.orgs.imports import text as _text

from .imports.columns import AidColumn, map_headers, open_workbook, read_sheet
from .imports.values import AmbiguousNumber, format_number, parse_decimal
from .models import ExchangeRate, RateRecomputation
from .services.rates import affected_range, recompute_request

SHEET = "Tỷ giá"
MAX_ROWS = 20_000
RATE_DIGITS, RATE_PLACES = 18, 6

RATE_COLUMNS = (
    AidColumn("currency", "Tiền tệ", gettext_lazy("currency"), 10, True, aliases=("currency",)),
    AidColumn("date", "Ngày", gettext_lazy("date"), 12, True, aliases=("date",)),
    AidColumn(
        "rate",
        "Tỷ giá",
        gettext_lazy("rate (đồng per unit)"),
        16,
        True,
        aliases=("rate", "exchange rate"),
    ),
    AidColumn("source", "Nguồn", gettext_lazy("source"), 36, max_length=200, aliases=("source",)),
)


def rates_may_change(user) -> bool:
    """Whether ``user`` keeps the exchange rates (a national-level editor)."""
    return visibility.is_national(user, Action.CHANGE)


# -- after a change of rate ----------------------------------------------------------------


class RateEvent:
    ADDED = "added"
    CHANGED = "changed"
    DELETED = "deleted"
    RESTORED = "restored"


def _reason(event: str, currency: str, on: datetime.date) -> str:
    params = {"currency": currency, "date": on.strftime("%d/%m/%Y")}
    return {
        RateEvent.ADDED: _("%(currency)s rate of %(date)s added"),
        RateEvent.CHANGED: _("%(currency)s rate of %(date)s changed"),
        RateEvent.DELETED: _("%(currency)s rate of %(date)s moved to the trash"),
        RateEvent.RESTORED: _("%(currency)s rate of %(date)s restored"),
    }[event] % params


def exchange_rate_changed(
    *,
    actor,
    rate: ExchangeRate,
    event: str,
    before: tuple[str, datetime.date, Decimal] | None = None,
) -> list[RateRecomputation]:
    """Ask for the recomputation of the đồng values a rate governs after it was added,
    edited, moved to the trash or restored (call it after the write, in its transaction).

    For an edit, ``before`` is ``(currency, date, rate)`` as stored before it: nothing is
    asked when none of them changed; when the currency or the date moved, both the old place
    (now governed by an earlier rate) and the new one are recomputed.
    """
    after = (rate.currency.upper(), rate.date, rate.rate)
    places = [(after[0], after[1])]
    if event == RateEvent.CHANGED and before is not None:
        old_currency, old_date, old_rate = before
        old = (str(old_currency).upper(), old_date)
        if old == places[0]:
            if old_rate is not None and Decimal(old_rate) == Decimal(rate.rate):
                return []
        else:
            places.insert(0, old)
    return [
        recompute_request(
            actor=actor, currency=currency, on=on, reason=_reason(event, currency, on)
        )
        for currency, on in places
    ]


@transaction.atomic
def exchange_rate_restore(*, actor, rate: ExchangeRate) -> ExchangeRate:
    """Take a rate out of the trash (refused when another rate now holds its day) and
    recompute what it governs again."""
    if not rates_may_change(actor):
        raise PermissionDenied
    with acting_as(actor):
        rate.restore()
    exchange_rate_changed(actor=actor, rate=rate, event=RateEvent.RESTORED)
    return rate


# -- the import: reading ---------------------------------------------------------------------


def _read_csv(data: bytes, name: str) -> tuple[list[str], list]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes any byte string
        raise ImportFileError(_("“%(name)s” cannot be read as text.") % {"name": name})
    text = unicodedata.normalize("NFC", text)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    headers = [h.strip() for h in (lines[0] if lines else [])]
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        cells = [c.strip() or None for c in line[: len(headers)]]
        if any(cells):
            rows.append((n, cells + [None] * (len(headers) - len(cells))))
    return headers, rows


def rates_file_read(fileobj, *, name: str) -> tuple[dict[str, int], list]:
    """The columns found (key → index) and the non-empty rows ``(row, [cells])`` of a file
    of rates (.csv, or .xlsx: the sheet “Tỷ giá”, else the first). ``ImportFileError`` when
    the file cannot be read as one."""
    lower = name.lower()
    if lower.endswith(".csv"):
        headers, rows = _read_csv(fileobj.read(), name)
        index = map_headers(headers, RATE_COLUMNS, sheet=name)
    elif lower.endswith(".xlsx"):
        sheet = read_sheet(
            open_workbook(fileobj, name=name), SHEET, RATE_COLUMNS, first=True, encode=False
        )
        index, rows = sheet.index, sheet.rows
    else:
        raise ImportFileError(_("“%(name)s” is neither a .csv nor an .xlsx file.") % {"name": name})
    if not rows:
        raise ImportFileError(_("The file has no rates below the header row."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows; split it into several files.")
            % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
        )
    return index, rows


# -- the import: checking ------------------------------------------------------------------


@dataclass
class RateRow:
    """A checked row: what it says and what applying it would do."""

    row: int
    currency: str
    date: datetime.date
    rate: Decimal
    source: str
    action: str = "new"  # new, update or unchanged
    old_rate: Decimal | None = None

    def as_payload(self) -> dict:
        return {
            "row": self.row,
            "currency": self.currency,
            "date": self.date.isoformat(),
            "rate": str(self.rate),
            "source": self.source,
        }

    @classmethod
    def from_payload(cls, data: dict) -> "RateRow":
        return cls(
            row=int(data["row"]),
            currency=str(data["currency"]),
            date=datetime.date.fromisoformat(data["date"]),
            rate=Decimal(data["rate"]),
            source=str(data.get("source") or ""),
        )

    @property
    def rate_display(self) -> str:
        return format_number(self.rate)

    @property
    def old_rate_display(self) -> str:
        return format_number(self.old_rate)


def _existing(currencies) -> dict[tuple[str, datetime.date], tuple[int, Decimal, str]]:
    return {
        (currency, date): (pk, rate, source)
        for pk, currency, date, rate, source in ExchangeRate.objects.filter(
            currency__in=sorted(currencies)
        ).values_list("pk", "currency", "date", "rate", "source")
    }


def _closer(readings, reference: Decimal) -> Decimal:
    return min(readings, key=lambda r: abs(math.log(float(r) / float(reference))))


def rates_check(index: dict[str, int], rows: list) -> tuple[list[RateRow], list[dict]]:
    """``(clean, problems)``: the rows as rates with what applying each would do, and every
    problem (row, column, field, value, message). Applying is allowed only without problems."""
    problems: list[dict] = []
    today = timezone.localdate()

    def add(n, key, value, message):
        column = next(c for c in RATE_COLUMNS if c.key == key)
        i = index.get(key)
        problems.append(
            {
                "row": n,
                "column": column.header,
                "letter": get_column_letter(i + 1) if i is not None else "",
                "field": str(column.label),
                "value": _text(value)[:200],
                "message": str(message),
            }
        )

    parsed = []
    for n, cells in rows:
        raw = {key: cells[i] for key, i in index.items()}
        values = {key: _text(raw.get(key)) for key in ("currency", "date", "rate", "source")}
        for key in ("currency", "date", "rate"):
            if not values[key]:
                add(n, key, None, _("This field is required."))
        currency = values["currency"].upper()
        if currency:
            try:
                validate_currency(currency)
            except ValidationError as exc:
                add(n, "currency", values["currency"], exc.messages[0])
                currency = ""
            else:
                if currency == "VND":
                    add(n, "currency", values["currency"], _("The đồng needs no rate."))
                    currency = ""
        date = _date(raw.get("date")) if values["date"] else None
        if isinstance(date, datetime.datetime):
            date = date.date()
        if values["date"] and date is None:
            add(
                n,
                "date",
                raw.get("date"),
                _("Not a date: write it as dd/mm/yyyy, e.g. 05/02/2026."),
            )
        elif date and date > today:
            add(n, "date", raw.get("date"), _("This date is in the future."))
            date = None
        rate = None
        if values["rate"]:
            try:
                rate = parse_decimal(raw["rate"])
            except AmbiguousNumber as exc:
                rate = exc  # settled below, by the size of the currency's other rates
            except ValueError:
                add(
                    n,
                    "rate",
                    raw["rate"],
                    _("Not a number: write the rate, e.g. 25415 or 25415,5."),
                )
        if len(values["source"]) > 200:
            add(
                n,
                "source",
                values["source"],
                _("At most %(n)s characters (this one has %(length)s).")
                % {"n": 200, "length": len(values["source"])},
            )
        parsed.append((n, raw, currency, date, rate, values["source"]))

    existing = _existing({p[2] for p in parsed if p[2]})
    references: dict[str, list[Decimal]] = {}
    for (currency, _d), (_pk, value, _s) in sorted(existing.items(), key=lambda i: i[0][1]):
        references[currency] = [value]  # the latest known rate of the currency
    recorded = set(references)
    for _n, _raw, currency, _d, rate, _s in parsed:
        if currency not in recorded and isinstance(rate, Decimal) and rate > 0:
            references.setdefault(currency, []).append(rate)

    candidates, seen = [], {}
    for n, raw, currency, date, rate, source in parsed:
        if isinstance(rate, AmbiguousNumber):
            known = sorted(references.get(currency) or [])
            if known:
                rate = _closer(rate.readings, known[len(known) // 2])
            else:
                add(
                    n,
                    "rate",
                    raw["rate"],
                    _(
                        "“%(value)s” can be read as %(thousands)s or as %(decimal)s: write the "
                        "rate without a thousands separator (e.g. 25415 or 25415,5)."
                    )
                    % {
                        "value": rate.text,
                        "thousands": format_number(rate.readings[0]),
                        "decimal": format_number(rate.readings[1]),
                    },
                )
                rate = None
        if rate is not None:
            message = _rate_problem(rate)
            if message:
                add(n, "rate", raw["rate"], message)
                rate = None
        if currency and date:
            first = seen.setdefault((currency, date), n)
            if first != n:
                add(
                    n,
                    "date",
                    raw.get("date"),
                    _("Row %(row)s already gives the %(currency)s rate of %(date)s.")
                    % {"row": first, "currency": currency, "date": date.strftime("%d/%m/%Y")},
                )
        if rate is not None and currency and date:
            candidates.append(RateRow(n, currency, date, rate, source))
    problems.sort(key=lambda p: (p["row"], p["letter"]))
    bad = {p["row"] for p in problems}
    clean = [r for r in candidates if r.row not in bad]
    for row in clean:
        _plan(row, existing)
    return clean, problems


def _rate_problem(rate: Decimal) -> str:
    if rate <= 0:
        return _("A rate must be greater than zero.")
    if -rate.as_tuple().exponent > RATE_PLACES:
        return _("At most %(places)s decimal places.") % {"places": RATE_PLACES}
    if rate >= Decimal(10) ** (RATE_DIGITS - RATE_PLACES):
        return _("This rate is too large.")
    return ""


def _plan(row: RateRow, existing: dict) -> None:
    found = existing.get((row.currency, row.date))
    if found is None:
        row.action, row.old_rate = "new", None
        return
    _pk, rate, source = found
    row.old_rate = rate
    unchanged = Decimal(rate) == row.rate and (not row.source or row.source == source)
    row.action = "unchanged" if unchanged else "update"


# -- the import: applying ------------------------------------------------------------------


def rates_import_apply(*, actor, rows: list[RateRow]) -> dict:
    """Write checked rates in one transaction: new rates created, changed ones updated (on
    the same currency and date), unchanged ones left; then one recomputation per currency,
    from its earliest changed date to the end of the range its latest changed rate governs."""
    if not rates_may_change(actor):
        raise PermissionDenied
    counts = {"created": 0, "updated": 0, "unchanged": 0, "recomputations": 0}
    with transaction.atomic(), acting_as(actor):
        existing = {
            (r.currency, r.date): r
            for r in ExchangeRate.objects.select_for_update().filter(
                currency__in=sorted({row.currency for row in rows})
            )
        }
        changed: dict[str, list[datetime.date]] = {}
        for row in sorted(rows, key=lambda r: (r.currency, r.date)):
            rate = existing.get((row.currency, row.date))
            if rate is None:
                rate = ExchangeRate(
                    currency=row.currency, date=row.date, rate=row.rate, source=row.source
                )
                rate.full_clean()
                rate.save()
                counts["created"] += 1
                changed.setdefault(row.currency, []).append(row.date)
                continue
            rate_changed = Decimal(rate.rate) != row.rate
            source_changed = bool(row.source) and row.source != rate.source
            if not (rate_changed or source_changed):
                counts["unchanged"] += 1
                continue
            rate.rate = row.rate
            if source_changed:
                rate.source = row.source
            rate.full_clean()
            rate.save()
            counts["updated"] += 1
            if rate_changed:
                changed.setdefault(row.currency, []).append(row.date)
        for currency, dates in sorted(changed.items()):
            first, last = min(dates), max(dates)
            run = recompute_request(
                actor=actor,
                currency=currency,
                on=first,
                reason=_("%(currency)s rates imported from a file (%(count)s changed)")
                % {"currency": currency, "count": len(dates)},
            )
            end = affected_range(currency, last)[1]
            if end != run.date_to:
                run.date_to = end
                run.save(update_fields=["date_to"])
            counts["recomputations"] += 1
    return counts


# -- the template --------------------------------------------------------------------------


def rates_template_build() -> bytes:
    """The .xlsx template of the rate import: the four columns and a sheet of guidance."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, column in enumerate(RATE_COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[get_column_letter(i)].width = column.width
    for row in range(2, 1001):
        ws.cell(row=row, column=2).number_format = "dd/mm/yyyy"
        ws.cell(row=row, column=3).number_format = "#,##0.######"
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("Hướng dẫn")
    lines = [
        "Mỗi dòng là tỷ giá của một loại tiền từ một ngày (số đồng Việt Nam cho một đơn vị).",
        "Tiền tệ: mã ISO 4217 (USD, EUR, JPY…); không nhập tỷ giá cho VND.",
        "Ngày: dd/mm/yyyy, ví dụ 02/01/2026, hoặc ô kiểu ngày.",
        "Tỷ giá: ví dụ 25415 hoặc 25415,5 (dấu phẩy thập phân).",
        "Nguồn: ví dụ Ngân hàng Nhà nước Việt Nam (có thể để trống).",
        "Tỷ giá đã có cùng loại tiền và cùng ngày sẽ được cập nhật.",
    ]
    guide.column_dimensions["A"].width = 100
    for i, line in enumerate(lines, start=1):
        guide.cell(row=i, column=1, value=line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
