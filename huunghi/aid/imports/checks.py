"""Checking the rows of an aid import: every cell of both sheets, with a problem per bad
cell (sheet, row, column, field, value, message in the user's language). Every lookup is
loaded once (``lookups``), so the cost per row is Python only."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from huunghi.core.money import validate_currency
from huunghi.orgs.imports import chunks as _chunks
from huunghi.orgs.imports import date as _date
from huunghi.orgs.imports import decode as _decode
from huunghi.orgs.imports import key as _key
from huunghi.orgs.imports import province_of as _province_of
from huunghi.orgs.imports import text as _text

from ..choices import TransactionKind
from ..models import AidActivity, AidForm, BeneficiaryGroup, ExchangeRate, Sector, equal_shares
from .columns import (
    ACTIVITY_EXAMPLE,
    KIND_LABELS,
    KINDS,
    STATUS_LABELS,
    STATUSES,
    TRANSACTION_EXAMPLE,
    Sheet,
)
from .lookups import OrganizationIndex, PartnerIndex, SimpleIndex, UnitIndex
from .values import AmbiguousNumber, parse_decimal, parse_whole

PROGRESS_EVERY = 500
AMOUNT_DIGITS, AMOUNT_PLACES = 20, 2
_PARTS = re.compile(r"[;\n]+")
_EXPLICIT_SHARE = (
    re.compile(r"^(?P<name>.*?)\s*[:=]\s*(?P<share>[\d.,]+)\s*%?$"),
    re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<share>[\d.,]+)\s*%?\s*\)$"),
    re.compile(r"^(?P<name>.*?)\s+(?P<share>[\d.,]+)\s*%$"),
)
_LOOSE_SHARE = re.compile(r"^(?P<name>.*\D)\s+(?P<share>[\d.,]+)$")


def _parts(text: str) -> list[str]:
    return [p.strip() for p in _PARTS.split(text or "") if p.strip()]


def _split_share(part: str) -> tuple[str, str | None, bool]:
    """``(name, share text, explicit)`` of one item of a list such as “Y tế: 60”."""
    for pattern in _EXPLICIT_SHARE:
        match = pattern.match(part)
        if match and match.group("name").strip():
            return match.group("name").strip(), match.group("share"), True
    match = _LOOSE_SHARE.match(part)
    if match:
        return match.group("name").strip(), match.group("share"), False
    return part, None, False


def _share(text: str) -> Decimal | None:
    try:
        value = parse_decimal(text)
    except ValueError:  # also AmbiguousNumber: no share has three decimals
        return None
    if not (0 < value <= 100) or -value.as_tuple().exponent > 2:
        return None
    return value


class AidRows:
    """Checks the two sheets of an aid import for one target organisation, on behalf of
    ``actor``. ``check(activities, transactions)`` returns the parsed rows and the problems."""

    def __init__(self, *, actor, target):
        self.actor = actor
        self.target = target
        self.today = timezone.localdate()
        self.forms = SimpleIndex(
            AidForm.objects.values_list("pk", "code", "name_vi", "name_en").order_by("pk")
        )
        for pk, kind in AidForm.objects.values_list("pk", "kind"):
            self.forms.by_key[_key(kind)].add(pk)
        self.sectors = SimpleIndex(Sector.objects.values_list("pk", "code", "name_vi", "name_en"))
        self.groups = SimpleIndex(
            BeneficiaryGroup.objects.values_list("pk", "code", "name_vi", "name_en")
        )
        self.partners = PartnerIndex(actor)
        self.organizations = OrganizationIndex(actor)
        self._units = None

    @property
    def units(self) -> UnitIndex:
        if self._units is None:
            self._units = UnitIndex(_province_of(self.target))
        return self._units

    # -- problems

    def _problem(self, problems, sheet: Sheet, row, key, value, message):
        column = next(c for c in sheet.columns if c.key == key)
        problems.append(
            {
                "sheet": sheet.name,
                "row": row,
                "column": column.header,
                "letter": sheet.letter(key),
                "key": key,
                "field": str(column.label),
                "value": _text(value)[:200],
                "message": str(message),
            }
        )

    # -- the activities sheet

    def parse_activity(self, sheet: Sheet, n: int, cells: list, problems: list) -> dict:
        raw = {key: cells[i] for key, i in sheet.index.items()}

        def add(key, message):
            self._problem(problems, sheet, n, key, raw.get(key), message)

        v = {c.key: _text(raw.get(c.key)) for c in sheet.columns}
        if all(v[k] == text for k, text in ACTIVITY_EXAMPLE.items()):
            add("reference", _("This is the template's example row: delete it."))
            dates = dict.fromkeys(("planned_start", "planned_end", "actual_start", "actual_end"))
            return {**v, **dates, "donor_ids": [], "donors_ok": False}
        for column in sheet.columns:
            if column.required and not v[column.key]:
                add(column.key, _("This field is required."))
            elif column.max_length and len(v[column.key]) > column.max_length:
                add(
                    column.key,
                    _("At most %(n)s characters (this one has %(length)s).")
                    % {"n": column.max_length, "length": len(v[column.key])},
                )
        v["form_id"] = None
        if v["form"]:
            v["form_id"] = self.forms.find(v["form"])
            if v["form_id"] is None:
                add(
                    "form",
                    _("Unknown form of aid: write one of %(values)s.")
                    % {"values": ", ".join(sorted(self.forms.labels.values()))},
                )
        v["donor_ids"], v["donors_ok"] = [], bool(v["donors"])
        for part in _parts(v["donors"]):
            found = self.partners.find(part)
            if found.error:
                add("donors", found.error)
                v["donors_ok"] = False
            elif found.pk not in v["donor_ids"]:
                v["donor_ids"].append(found.pk)
        v["implementing_partner_id"] = None
        if v["implementing_partner"]:
            found = self.partners.find(v["implementing_partner"])
            if found.error:
                add("implementing_partner", found.error)
            v["implementing_partner_id"] = found.pk
        v["mobilised_by_id"] = None
        if v["mobilised_by"]:
            found = self.organizations.find(v["mobilised_by"])
            if found.error:
                add("mobilised_by", found.error)
            v["mobilised_by_id"] = found.pk
        v["sector_shares"] = self._sectors(v["sectors"], lambda m: add("sectors", m))
        v["location_shares"] = self._locations(v["locations"], lambda m: add("locations", m))
        v["beneficiary_numbers"] = self._beneficiaries(
            v["beneficiaries"], lambda m: add("beneficiaries", m)
        )
        written = dict(v)
        for key in ("planned_start", "planned_end", "actual_start", "actual_end", "decision_date"):
            value = _date(raw.get(key)) if v[key] else None
            if v[key] and value is None:
                add(key, _("Not a date: write it as dd/mm/yyyy, e.g. 05/02/2026."))
            elif value and key in ("actual_start", "actual_end", "decision_date"):
                if value > self.today:
                    add(key, _("This date is in the future."))
            v[key] = value
        for start, end, message in (
            ("planned_start", "planned_end", _("The planned end is before the planned start.")),
            ("actual_start", "actual_end", _("The actual end is before the actual start.")),
        ):
            if v[start] and v[end] and v[end] < v[start]:
                add(end, message)
        status_text = v["status"]
        v["status"] = STATUSES.get(_key(status_text)) if status_text else None
        if status_text and v["status"] is None:
            add(
                "status",
                _(
                    "Only activities approved or later are imported as history: write one of "
                    "%(values)s."
                )
                % {"values": ", ".join(STATUS_LABELS.values())},
            )
        self._decision(v, written, add)
        return v

    def _decision(self, v, written, add):
        if v["decision_number"]:
            if not written["decision_date"]:
                add("decision_date", _("Enter the decision date."))
            if not v["decision_authority"]:
                add("decision_authority", _("Enter the authority that approved it."))
        elif written["decision_date"] or v["decision_authority"]:
            add("decision_number", _("Enter the decision number."))
        elif v["status"] and v["status"] != "approved":
            add(
                "decision_number",
                _(
                    "An activity being carried out or finished has an approval decision: "
                    "enter its number."
                ),
            )

    def _sectors(self, text, add) -> list:
        items = []
        for part in _parts(text):
            name, share_text, _explicit = _split_share(part)
            pk = self.sectors.find(name)
            if pk is None and share_text is not None:
                pk, share_text = self.sectors.find(part), None
            if pk is None:
                add(
                    _(
                        "Unknown sector “%(value)s”: write its code or its name (see the sheet "
                        "of allowed values)."
                    )
                    % {"value": name}
                )
                return []
            share = _share(share_text) if share_text is not None else None
            if share_text is not None and share is None:
                add(
                    _("“%(value)s” is not a share: write a percentage between 0 and 100.")
                    % {"value": share_text}
                )
                return []
            if any(pk == other for other, _s in items):
                add(_("The sector “%(value)s” is listed twice.") % {"value": name})
                return []
            items.append((pk, share))
        if len(items) == 1 and items[0][1] is None:
            return [(items[0][0], Decimal(100))]
        if any(share is None for _pk, share in items):
            add(_("Give each sector its share, e.g. “Y tế 60; Giáo dục 40”."))
            return []
        total = sum(share for _pk, share in items)
        if items and total != 100:
            add(_("The sector shares add up to %(total)s, not 100.") % {"total": _text(total)})
            return []
        return items

    def _locations(self, text, add) -> list:
        items = []
        for part in _parts(text):
            name, share_text, explicit = _split_share(part)
            found = self.units.find(name)
            if share_text is not None and not explicit:
                # “Phường 5” is a name, “Tân Phú 50” a name and a share: the name wins.
                whole = self.units.find(part)
                if not whole.error or found.error:
                    name, share_text, found = part, None, whole
            if found.error:
                add(found.error)
                return []
            share = _share(share_text) if share_text is not None else None
            if share_text is not None and share is None:
                add(
                    _("“%(value)s” is not a share: write a percentage between 0 and 100.")
                    % {"value": share_text}
                )
                return []
            if any(found.pk == other for other, _s, _p in items):
                add(_("The place “%(value)s” is listed twice.") % {"value": name})
                return []
            items.append((found.pk, share, self.units.province_today(found.pk)))
        given = [share for _pk, share, _p in items if share is not None]
        if given and len(given) != len(items):
            add(_("Give a share to every place, or to none (the places then share equally)."))
            return []
        if given and sum(given) != 100:
            add(
                _("The location shares add up to %(total)s, not 100.")
                % {"total": _text(sum(given))}
            )
            return []
        if not given:
            shares = equal_shares(len(items))
            items = [(pk, s, p) for (pk, _x, p), s in zip(items, shares, strict=True)]
        return items

    def _beneficiaries(self, text, add) -> list:
        items = []
        for part in _parts(text):
            name, number_text, _explicit = _split_share(part)
            pk = self.groups.find(name)
            if pk is None and number_text is not None:
                pk, number_text = self.groups.find(part), None
            if pk is None:
                add(
                    _("Unknown beneficiary group “%(value)s”: see the sheet of allowed values.")
                    % {"value": name}
                )
                continue
            number = None
            if number_text is not None:
                try:
                    number = parse_whole(number_text)
                except ValueError:
                    number = -1
                if number < 0:
                    add(_("“%(value)s” is not a number of people.") % {"value": number_text})
                    continue
            items.append((pk, number))
        return items

    # -- the transactions sheet

    def parse_transaction(self, sheet: Sheet, n: int, cells: list, problems: list, activities):
        raw = {key: cells[i] for key, i in sheet.index.items()}

        def add(key, message):
            self._problem(problems, sheet, n, key, raw.get(key), message)

        v = {c.key: _text(raw.get(c.key)) for c in sheet.columns}
        example = v["activity"] == TRANSACTION_EXAMPLE["activity"]
        if example:
            add("activity", _("This is the template's example row: delete it."))
        for column in sheet.columns:
            if column.required and not v[column.key]:
                add(column.key, _("This field is required."))
            elif column.max_length and len(v[column.key]) > column.max_length:
                add(
                    column.key,
                    _("At most %(n)s characters (this one has %(length)s).")
                    % {"n": column.max_length, "length": len(v[column.key])},
                )
        activity = activities.get(v["activity"].casefold()) if v["activity"] else None
        if v["activity"] and activity is None and not example:
            add(
                "activity",
                _("No activity with the reference “%(value)s” in the sheet “%(sheet)s”.")
                % {"value": v["activity"], "sheet": self.activity_sheet},
            )
        kind_text = v["kind"]
        v["kind"] = KINDS.get(_key(kind_text)) if kind_text else None
        if kind_text and v["kind"] is None:
            add("kind", _("Write one of %(values)s.") % {"values": ", ".join(KIND_LABELS.values())})
        date = _date(raw.get("date")) if v["date"] else None
        if v["date"] and date is None:
            add("date", _("Not a date: write it as dd/mm/yyyy, e.g. 05/02/2026."))
        elif date and date > self.today:
            add("date", _("This date is in the future."))
        v["date"] = date
        if date and activity is not None:
            first, last = AidActivity(
                planned_start=activity["planned_start"],
                planned_end=activity["planned_end"],
                actual_start=activity["actual_start"],
                actual_end=activity["actual_end"],
            ).window
            if (first and date < first) or (last and date > last):
                add(
                    "date",
                    _("%(date)s is outside the activity's dates (%(first)s – %(last)s).")
                    % {
                        "date": date.strftime("%d/%m/%Y"),
                        "first": first.strftime("%d/%m/%Y") if first else "…",
                        "last": last.strftime("%d/%m/%Y") if last else "…",
                    },
                )
        currency = v["currency"].upper()
        if currency:
            try:
                validate_currency(currency)
            except ValidationError as exc:
                add("currency", exc.messages[0])
                currency = ""
        v["currency"] = currency
        v["amount"] = self._amount(raw.get("amount"), v, currency, add) if v["amount"] else None
        v["vnd_credited"] = self._credited(raw.get("vnd_credited"), v, add)
        v["provider_id"] = self._provider(v, activity, add)
        return v

    def _amount(self, value, v, currency, add):
        try:
            amount = parse_decimal(value)
        except AmbiguousNumber as exc:
            if currency == "VND":  # the đồng has no decimals: the mark groups thousands
                amount = exc.readings[0]
            else:
                add(
                    "amount",
                    _(
                        "“%(value)s” can be read as %(thousands)s or as %(decimal)s: write the "
                        "amount without a thousands separator (e.g. 1500 or 1,5)."
                    )
                    % {
                        "value": exc.text,
                        "thousands": _text(exc.readings[0]),
                        "decimal": _text(exc.readings[1]).replace(".", ","),
                    },
                )
                return None
        except ValueError:
            add("amount", _("Not a number: write the amount, e.g. 15000 or 15000,50."))
            return None
        if amount < 0 and v["kind"] != TransactionKind.DISBURSEMENT:
            add(
                "amount",
                _("Only a disbursement may be negative (a correction); this amount must not be."),
            )
            return None
        if -amount.as_tuple().exponent > AMOUNT_PLACES:
            add("amount", _("At most %(places)s decimal places.") % {"places": AMOUNT_PLACES})
            return None
        if abs(amount) >= Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES):
            add("amount", _("This amount is too large."))
            return None
        return amount

    def _credited(self, value, v, add):
        if not v["vnd_credited"]:
            return None
        try:
            credited = parse_whole(value)
        except ValueError:
            add("vnd_credited", _("Not a whole number of đồng."))
            return None
        if credited < 0 and v["kind"] != TransactionKind.DISBURSEMENT:
            add("vnd_credited", _("The credited value cannot be negative."))
            return None
        return credited

    def _provider(self, v, activity, add):
        donors = activity["donor_ids"] if activity is not None else []
        if not v["provider"]:
            if activity is not None and len(donors) == 1:
                return donors[0]
            if activity is not None and activity["donors_ok"]:
                add(
                    "provider", _("The activity has several donors: write which one provided this.")
                )
            return None
        found = self.partners.find(v["provider"])
        if found.error:
            add("provider", found.error)
            return None
        if activity is not None and activity["donors_ok"] and found.pk not in donors:
            add(
                "provider",
                _(
                    "%(partner)s is not a donor of the activity “%(reference)s” (its donors: "
                    "%(donors)s)."
                )
                % {
                    "partner": self.partners.labels[found.pk],
                    "reference": activity["reference"],
                    "donors": "; ".join(self.partners.labels[pk] for pk in donors),
                },
            )
        return found.pk

    # -- the whole file

    def check(self, activities: Sheet, transactions: Sheet | None, progress=None):
        """``(activities, transactions, problems)``: the parsed rows of both sheets
        ``[(row, values)]`` and every problem. The file may be applied only without problems."""
        self.activity_sheet = activities.name
        problems: list[dict] = []
        total = len(activities.rows) + (len(transactions.rows) if transactions else 0)
        done = 0
        parsed_activities, by_reference = [], {}
        for n, cells in activities.rows:
            v = self.parse_activity(activities, n, [_decode(c) for c in cells], problems)
            parsed_activities.append((n, v))
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
            key = v["reference"].casefold()
            if not key:
                continue
            if key in by_reference:
                self._problem(
                    problems,
                    activities,
                    n,
                    "reference",
                    v["reference"],
                    _("The reference “%(value)s” is already used in row %(row)s.")
                    % {"value": v["reference"], "row": by_reference[key][0]},
                )
            else:
                by_reference[key] = (n, v)
        self._check_existing_references(activities, parsed_activities, problems)
        parsed_transactions = []
        if transactions is not None:
            references = {key: v for key, (_n, v) in by_reference.items()}
            for n, cells in transactions.rows:
                v = self.parse_transaction(
                    transactions, n, [_decode(c) for c in cells], problems, references
                )
                parsed_transactions.append((n, v))
                done += 1
                if progress and done % PROGRESS_EVERY == 0:
                    progress(done, total)
        order = {activities.name: 0, getattr(transactions, "name", ""): 1}
        problems.sort(key=lambda p: (order.get(p["sheet"], 2), p["row"], p["letter"]))
        return parsed_activities, parsed_transactions, problems

    def _check_existing_references(self, sheet, parsed, problems):
        references = {v["reference"] for _n, v in parsed if v["reference"]}
        used = set()
        for chunk in _chunks(references):
            used.update(
                r.casefold()
                for r in AidActivity.objects.filter(
                    organization=self.target, reference__in=chunk
                ).values_list("reference", flat=True)
            )
        for n, v in parsed:
            if v["reference"] and v["reference"].casefold() in used:
                self._problem(
                    problems,
                    sheet,
                    n,
                    "reference",
                    v["reference"],
                    _("%(org)s already has an activity with the reference “%(value)s”.")
                    % {"org": self.target.name_vi, "value": v["reference"]},
                )

    def missing_rates(self, transactions) -> dict[str, int]:
        """How many transactions of each currency will have no đồng value (no rate on or
        before their date and no credited value): imported, but flagged."""
        currencies = {
            v["currency"]
            for _n, v in transactions
            if v["currency"] and v["currency"] != "VND" and v["vnd_credited"] is None
        }
        first = dict(
            ExchangeRate.objects.filter(currency__in=sorted(currencies))
            .values("currency")
            .annotate(first=Min("date"))
            .values_list("currency", "first")
        )
        missing: dict[str, int] = {}
        for _n, v in transactions:
            currency = v["currency"]
            if currency not in currencies or v["vnd_credited"] is not None or not v["date"]:
                continue
            if currency not in first or v["date"] < first[currency]:
                missing[currency] = missing.get(currency, 0) + 1
        return missing
