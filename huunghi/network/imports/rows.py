"""Member import, the file side: the columns, the .xlsx template, reading the member sheet
and checking its rows (``MemberRows``).

The file is read once (openpyxl is the slow part) and its cells are kept next to it as
gzipped JSON; checking again before applying, and the file of rejected rows, read that copy.
Every lookup is loaded into a dict before the rows are checked, so the cost per row is
Python only, and the rows are written with ``bulk_create``.
"""

import io
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from huunghi.core.text import normalise
from huunghi.orgs.choices import Action, OrgKind
from huunghi.orgs.imports import (  # noqa: F401  (the names the member import has used)
    BATCH,
    CHUNK,
    DATE_RE,
    ISO_DATE_RE,
    NO,
    XLSX_TYPE,
    YES,
    Column,
    ImportFileError,
)
from huunghi.orgs.imports import cell as _cell
from huunghi.orgs.imports import chunks as _chunks
from huunghi.orgs.imports import date as _date
from huunghi.orgs.imports import decode as _decode
from huunghi.orgs.imports import encode as _encode
from huunghi.orgs.imports import exact as _exact
from huunghi.orgs.imports import is_empty as _is_empty
from huunghi.orgs.imports import key as _key
from huunghi.orgs.imports import may as _may
from huunghi.orgs.imports import province_of as _province_of
from huunghi.orgs.imports import text as _text
from huunghi.orgs.models import Organization
from huunghi.people.choices import (
    ETHNICITY_CHOICES,
    Gender,
)
from huunghi.people.models import Person, name_key, phone_key
from huunghi.places.models import AdministrativeUnit, CodeSystem, Country, UnitLevel

from ..choices import MemberStatus
from ..models import Membership

KIND = "members"
IMPORT_ACTION = "huunghi.import"
SHEET = "Hội viên"
VALUES_SHEET = "Giá trị cho phép"
ERROR_HEADER = "Lỗi"
MAX_ROWS = 100_000
PROGRESS_EVERY = 500
MEMBER_KINDS = (OrgKind.ASSOCIATION, OrgKind.CHAPTER)
TARGET_KINDS = (OrgKind.NATIONAL_UNION, OrgKind.PROVINCIAL_UNION, *MEMBER_KINDS)

GENDER_LABELS = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ", Gender.OTHER: "Khác"}
STATUS_LABELS = {
    MemberStatus.ACTIVE: "Đang sinh hoạt",
    MemberStatus.SUSPENDED: "Tạm ngừng sinh hoạt",
    MemberStatus.LEFT: "Đã ra khỏi hội",
    MemberStatus.DECEASED: "Đã mất",
}


COLUMNS = (
    Column("family_name", "Họ", gettext_lazy("family name"), 12, True, max_length=60),
    Column("middle_name", "Tên đệm", gettext_lazy("middle name"), 14, max_length=80),
    Column("given_name", "Tên", gettext_lazy("given name"), 12, True, max_length=60),
    Column("gender", "Giới tính", gettext_lazy("gender"), 10),
    Column("date_of_birth", "Ngày sinh", gettext_lazy("date of birth"), 12, personal=True),
    Column("phone", "Điện thoại", gettext_lazy("phone"), 14, personal=True, max_length=30),
    Column("email", "Email", gettext_lazy("e-mail"), 24, personal=True, max_length=254),
    Column("address", "Địa chỉ", gettext_lazy("address"), 28, personal=True, max_length=255),
    Column("commune", "Xã/phường", gettext_lazy("commune"), 20, personal=True),
    Column("occupation", "Nghề nghiệp", gettext_lazy("occupation"), 16, max_length=120),
    Column("workplace", "Nơi công tác", gettext_lazy("workplace"), 24, max_length=200),
    Column("ethnicity", "Dân tộc", gettext_lazy("ethnicity"), 10, personal=True),
    Column("nationalities", "Quốc tịch", gettext_lazy("nationalities"), 10),
    Column("organization", "Hội/Chi hội", gettext_lazy("association or chapter"), 28),
    Column("joined_on", "Ngày vào hội", gettext_lazy("joined on"), 12, True),
    Column("card_number", "Số thẻ hội viên", gettext_lazy("member card no."), 14, max_length=40),
    Column("status", "Trạng thái", gettext_lazy("status"), 18),
    Column("consent", "Đồng ý xử lý dữ liệu", gettext_lazy("consent"), 12),
    Column("consent_on", "Ngày đồng ý", gettext_lazy("consent given on"), 12),
    Column("person_code", "Mã cá nhân", gettext_lazy("person code"), 12),
)
BY_KEY = {c.key: c for c in COLUMNS}
BY_HEADER = {normalise(c.header): c for c in COLUMNS}
PERSONAL_KEYS = {c.key for c in COLUMNS if c.personal}

EXAMPLE = {
    "family_name": "Nguyễn",
    "middle_name": "Văn",
    "given_name": "Mẫu",
    "gender": "Nam",
    "date_of_birth": "15/03/1985",
    "phone": "0912345678",
    "email": "nguyen.van.mau@example.vn",
    "address": "12 đường Lê Lợi",
    "occupation": "Giáo viên",
    "workplace": "Trường THPT Nguyễn Du",
    "ethnicity": "Kinh",
    "nationalities": "VN",
    "joined_on": "01/06/2020",
    "card_number": "",
    "status": STATUS_LABELS[MemberStatus.ACTIVE],
    "consent": YES,
    "consent_on": "01/06/2020",
    "person_code": "",
}


GENDERS = {
    **{_key(label): value for value, label in GENDER_LABELS.items()},
    **{_key(v): v for v in Gender.values},
}
STATUSES = {
    **{_key(label): value for value, label in STATUS_LABELS.items()},
    **{_key(v): v for v in STATUS_LABELS},
}
ETHNICITIES = {_key(name): name for name, _label in ETHNICITY_CHOICES}
YES_NO = {_key(w): True for w in (YES, "yes", "x", "1", "true")} | {
    _key(w): False for w in (NO, "no", "0", "false")
}
PHONE_RE = re.compile(r"^\+?[\d\s.\-()]+$")
CODE_RE = re.compile(r"^(?:P\s*-?\s*)?0*(\d+)$", re.IGNORECASE)


# -- permissions ---------------------------------------------------------------------------


def import_targets(user):
    """The organisations ``user`` may import members into."""
    return Organization.objects.visible_to(user, Action.CHANGE).filter(kind__in=TARGET_KINDS)


# -- the subtree's lookups -----------------------------------------------------------------


def _member_organizations(target: Organization) -> list[Organization]:
    return list(
        Organization.objects.filter(
            path__startswith=target.path, kind__in=MEMBER_KINDS, deleted_at__isnull=True
        ).order_by("path")
    )


def _communes(target: Organization):
    qs = AdministrativeUnit.objects.filter(
        code_system=CodeSystem.GSO_2025, level=UnitLevel.COMMUNE
    ).select_related("parent")
    province = _province_of(target)
    if province is not None:
        qs = qs.filter(parent=province)
    return province, list(qs.order_by("code"))


# -- the template --------------------------------------------------------------------------


def template_columns(*, actor, organization: Organization) -> tuple[Column, ...]:
    """The columns offered to ``actor``: personal columns only with the permission."""
    if _may(actor, organization, Action.PERSONAL_DATA):
        return COLUMNS
    return tuple(c for c in COLUMNS if not c.personal)


def template_build(*, actor, organization: Organization) -> bytes:
    """The .xlsx template for importing members into ``organization``: a sheet of members
    with the headers and one example row, and a sheet of the values allowed."""
    columns = template_columns(actor=actor, organization=organization)
    orgs = _member_organizations(organization)
    _province, communes = _communes(organization)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    example = dict(EXAMPLE)
    example["organization"] = orgs[0].code if orgs else ""
    example["commune"] = communes[0].name if communes else ""
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font, cell.fill = bold, fill
        ws.cell(row=2, column=i, value=example.get(column.key, "")).font = Font(italic=True)
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        if column.key in ("phone", "card_number", "person_code", "commune"):
            for row in range(2, 1001):
                ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"

    values = wb.create_sheet(VALUES_SHEET)
    countries = list(Country.objects.order_by("name_vi").values_list("code", "name_vi"))
    lists = [
        ("Giới tính", list(GENDER_LABELS.values())),
        ("Trạng thái", list(STATUS_LABELS.values())),
        ("Đồng ý xử lý dữ liệu", [YES, NO]),
        ("Dân tộc", [name for name, _label in ETHNICITY_CHOICES]),
        ("Mã Hội/Chi hội", [o.code for o in orgs]),
        ("Tên Hội/Chi hội", [o.name_vi for o in orgs]),
        ("Mã quốc gia", [code for code, _name in countries]),
        ("Tên quốc gia", [name for _code, name in countries]),
    ]
    for i, (header, items) in enumerate(lists, start=1):
        values.cell(row=1, column=i, value=header).font = bold
        values.column_dimensions[get_column_letter(i)].width = 40 if "Tên" in header else 18
        for row, item in enumerate(items, start=2):
            values.cell(row=row, column=i, value=item)
    # Drop-down lists for the columns with a short list of allowed values.
    for key, list_column in (("gender", 1), ("status", 2), ("consent", 3), ("ethnicity", 4)):
        index = next((i for i, c in enumerate(columns, start=1) if c.key == key), None)
        if index is None:
            continue
        letter, n = get_column_letter(list_column), len(lists[list_column - 1][1]) + 1
        dv = DataValidation(
            type="list", formula1=f"'{VALUES_SHEET}'!${letter}$2:${letter}${n}", allow_blank=True
        )
        ws.add_data_validation(dv)
        dv.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{MAX_ROWS}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- reading the file ----------------------------------------------------------------------


def read_xlsx(fileobj, *, name: str = "", progress=None) -> tuple[list[str], list]:
    """The header texts and the non-empty rows ``(excel_row, [cells])`` of the member sheet
    (the sheet named “Hội viên”, else the first one). Cells are JSON-safe (dates as
    ``{"d": iso}``). Raises ``ImportFileError`` for a file that is not a member list."""
    # python-calamine (Rust) reads a 50,000-row sheet about ten times faster than openpyxl.
    try:
        wb = CalamineWorkbook.from_filelike(fileobj)
    except Exception as exc:
        raise ImportFileError(
            _(
                "“%(name)s” is not an Excel workbook (.xlsx). Download the template, fill it "
                "in and upload it again."
            )
            % {"name": name}
        ) from exc
    ws = wb.get_sheet_by_name(SHEET if SHEET in wb.sheet_names else wb.sheet_names[0])
    rows = ws.iter_rows()
    header_row = next(rows, None) or ()
    headers = ["" if v is None else str(v).strip() for v in header_row]
    while headers and not headers[-1]:
        headers.pop()
    _map_headers(headers, sheet=ws.name)
    width = len(headers)
    out = []
    for n, row in enumerate(rows, start=2):
        cells = [_cell(v) for v in row[:width]]
        if all(_is_empty(v) for v in cells):
            continue
        if len(out) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows; split it into several files.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        cells += [None] * (width - len(cells))
        out.append((n, [_encode(v) for v in cells]))
        if progress and len(out) % PROGRESS_EVERY == 0:
            progress(len(out), ws.height)
    if not out:
        raise ImportFileError(_("The file has no member rows below the header row."))
    return headers, out


def _map_headers(headers: list[str], *, sheet: str = "") -> dict[str, int]:
    """Column key → index for the recognised headers; ``ImportFileError`` when the header
    row is missing, a column is repeated or a required column is missing."""
    found: dict[str, int] = {}
    for i, text in enumerate(headers):
        column = BY_HEADER.get(normalise(text.rstrip("* ")))
        if column is None:
            continue
        if column.key in found:
            raise ImportFileError(
                _("The column “%(column)s” appears twice in the header row.")
                % {"column": column.header}
            )
        found[column.key] = i
    if not found:
        raise ImportFileError(
            _(
                "The first row of the sheet “%(sheet)s” must hold the column headers of the "
                "template (%(example)s …). Download the template and copy the rows into it."
            )
            % {"sheet": sheet, "example": ", ".join(c.header for c in COLUMNS[:3])}
        )
    missing = [c.header for c in COLUMNS if c.required and c.key not in found]
    if missing:
        raise ImportFileError(
            _("Required columns are missing from the header row: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    return found


# -- checking the rows ---------------------------------------------------------------------


def _unknown_value(key: str) -> str:
    if key == "gender":
        return _("Write Nam, Nữ or Khác.")
    if key == "ethnicity":
        return _("Unknown ethnic group: see the sheet of allowed values.")
    if key == "status":
        return _("Unknown status: write one of %(values)s.") % {
            "values": ", ".join(STATUS_LABELS.values())
        }
    return _("Write Có or Không.")


class MemberRows:
    """Parses and checks the rows of a member list for one import job, with every lookup
    loaded once. ``check(headers, rows)`` returns the clean rows' values and the problems."""

    def __init__(self, *, actor, target: Organization):
        self.actor = actor
        self.target = target
        self.today = timezone.localdate()
        self.personal = _may(actor, target, Action.PERSONAL_DATA)
        orgs = _member_organizations(target)
        self.org_names = {o.pk: o.name_vi for o in orgs}
        self.org_by_code = {o.code.lower(): o.pk for o in orgs}
        self.org_by_name: dict[str, list[int]] = {}
        for o in orgs:
            for key in {_exact(o.name_vi), normalise(o.name_vi)}:
                self.org_by_name.setdefault(key, []).append(o.pk)
        self.default_org = target.pk if target.kind in MEMBER_KINDS else None
        self.province, communes = _communes(target)
        self.commune_by_code = {u.code: u.pk for u in communes}
        # Names match exactly (case and spacing aside) first, then without diacritics:
        # "Thanh An" and "Thạnh An" are two communes.
        self.commune_by_name: dict[str, list] = {}
        for u in communes:
            short = u.name
            if u.division_type and u.name.lower().startswith(u.division_type.lower()):
                short = u.name[len(u.division_type) :]
            for name in {u.name, short}:
                for key in {_exact(name), normalise(name)}:
                    found = self.commune_by_name.setdefault(key, [])
                    if u not in found:
                        found.append(u)
        self.countries = {}
        for pk, code, alpha3, name_vi, name_en in Country.objects.values_list(
            "pk", "code", "alpha3", "name_vi", "name_en"
        ):
            for k in (code, alpha3, name_vi, name_en):
                self.countries.setdefault(_key(k), pk)
        self.vietnam = self.countries.get(_key("VN"))

    # per-cell parsing

    def _problem(self, problems, row, key, value, message):
        column = BY_KEY[key]
        index = self.columns.get(key)
        problems.append(
            {
                "row": row,
                "column": column.header,
                "letter": get_column_letter(index + 1) if index is not None else "",
                "key": key,
                "field": str(column.label),
                "value": _text(value)[:200],
                "message": str(message),
            }
        )

    def parse_row(self, n: int, cells: list, problems: list) -> dict:
        """Typed values of one row; problems of its cells are appended to ``problems``."""
        raw = {key: cells[i] for key, i in self.columns.items()}

        def add(key, message):
            self._problem(problems, n, key, raw.get(key), message)

        values = {key: _text(raw.get(key)) for key in BY_KEY}
        if all(values[k] == v for k, v in EXAMPLE.items() if k in self.columns):
            add("family_name", _("This is the template's example row: delete it."))
        if not self.personal:
            filled = [BY_KEY[k].header for k in PERSONAL_KEYS if values[k]]
            if filled:
                raise ImportFileError(
                    _(
                        "Your role does not include personal data, so the columns %(columns)s "
                        "cannot be imported (row %(row)s has values in them). Empty these "
                        "columns or ask an administrator for the personal-data permission."
                    )
                    % {"columns": ", ".join(sorted(filled)), "row": n}
                )
        for key in ("family_name", "given_name", "joined_on"):
            if not values[key]:
                add(key, _("This field is required."))
        if values["consent"] and YES_NO.get(_key(values["consent"])) and not values["consent_on"]:
            add("consent_on", _("Enter the date the consent was given."))
        for key, column in BY_KEY.items():
            if column.max_length and len(values[key]) > column.max_length:
                add(
                    key,
                    _("At most %(n)s characters (this one has %(length)s).")
                    % {"n": column.max_length, "length": len(values[key])},
                )
        for key in ("date_of_birth", "joined_on", "consent_on"):
            value = _date(raw[key]) if values[key] else None
            if values[key] and value is None:
                add(key, _("Not a date: write it as dd/mm/yyyy, e.g. 05/02/2026."))
            elif value and value > self.today:
                add(key, _("This date is in the future."))
            values[key] = value
        born, joined = values["date_of_birth"], values["joined_on"]
        if born and joined and born >= joined:
            add("date_of_birth", _("The date of birth is not before the date of joining."))
        phone = raw.get("phone")
        if isinstance(phone, int | float) and not isinstance(phone, bool):
            # Excel drops the leading zero of a number typed into a number cell.
            values["phone"] = ("0" if len(values["phone"]) == 9 else "") + values["phone"]
        if values["phone"]:
            digits = phone_key(values["phone"])
            if not PHONE_RE.match(values["phone"]) or not (
                (len(digits) == 10 and digits.startswith("0"))
                or (len(digits) == 11 and digits.startswith("02"))
            ):
                add(
                    "phone",
                    _(
                        "Not a phone number: write 10 digits starting with 0 "
                        "(e.g. 0912 345 678) or +84 and the number."
                    ),
                )
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                add("email", _("Not an e-mail address."))
        values["commune_id"] = (
            self._commune(values["commune"], lambda m: add("commune", m))
            if values["commune"]
            else None
        )
        for key, allowed in (
            ("gender", GENDERS),
            ("ethnicity", ETHNICITIES),
            ("status", STATUSES),
            ("consent", YES_NO),
        ):
            if values[key]:
                found = allowed.get(_key(values[key]))
                if found is None:
                    add(key, _unknown_value(key))
                values[key] = found
        values["status"] = values["status"] or MemberStatus.ACTIVE
        values["consent"] = bool(values["consent"])
        values["country_ids"] = []
        for part in filter(None, (p.strip() for p in re.split(r"[,;]", values["nationalities"]))):
            country = self.countries.get(_key(part))
            if country is None:
                add(
                    "nationalities",
                    _("Unknown country “%(country)s”: write its ISO code (e.g. VN, LA) or name.")
                    % {"country": part},
                )
            elif country not in values["country_ids"]:
                values["country_ids"].append(country)
        if not values["nationalities"] and self.vietnam:
            values["country_ids"] = [self.vietnam]
        values["organization_id"] = self._organization(
            values["organization"], lambda m: add("organization", m)
        )
        values["person_id"] = None
        if values["person_code"]:
            match = CODE_RE.match(values["person_code"])
            if match:
                values["person_id"] = int(match.group(1))
            else:
                add("person_code", _("A person code looks like P-000123."))
        values["name_key"] = name_key(
            values["family_name"], values["middle_name"], values["given_name"]
        )
        values["phone_key"] = phone_key(values["phone"])
        return values

    def _commune(self, text, add):
        if re.fullmatch(r"\d{1,5}", text):
            unit = self.commune_by_code.get(text.zfill(5))
            if unit is None:
                add(self._unknown_commune(text))
            return unit
        found = self.commune_by_name.get(_exact(text)) or self.commune_by_name.get(
            normalise(text), []
        )
        if len(found) == 1:
            return found[0].pk
        if not found:
            add(self._unknown_commune(text))
        else:
            add(
                _("“%(value)s” matches several communes (%(list)s): write its GSO code.")
                % {
                    "value": text,
                    "list": "; ".join(
                        f"{u.name}, {u.parent.name if u.parent else ''} – {u.code}"
                        for u in found[:5]
                    ),
                }
            )
        return None

    def _unknown_commune(self, text):
        if self.province is not None:
            return _(
                "No commune “%(value)s” in %(province)s (communes from 1 July 2025): write its "
                "name or GSO code."
            ) % {"value": text, "province": self.province.name}
        return _(
            "No commune “%(value)s” (communes from 1 July 2025): write its name or GSO code."
        ) % {"value": text}

    def _organization(self, text, add):
        if not text:
            if self.default_org is None:
                add(_("Write the code or the name of the association or chapter."))
            return self.default_org
        pk = self.org_by_code.get(text.lower())
        if pk is not None:
            return pk
        found = self.org_by_name.get(_exact(text)) or self.org_by_name.get(normalise(text), [])
        if len(found) == 1:
            return found[0]
        if found:
            add(_("Several associations or chapters have this name: write the code."))
        else:
            add(
                _(
                    "No association or chapter with this code or name in %(org)s: see the "
                    "sheet of allowed values."
                )
                % {"org": self.target.name_vi}
            )
        return None

    # the whole file

    def check(self, headers: list[str], rows: list, progress=None):
        """``(clean, problems)``: the values of the rows without problems as
        ``[(excel_row, values)]``, and every problem of every row."""
        self.columns = _map_headers(headers)
        if "organization" not in self.columns and self.default_org is None:
            raise ImportFileError(
                _("Required columns are missing from the header row: %(columns)s.")
                % {"columns": BY_KEY["organization"].header}
            )
        problems: list[dict] = []
        parsed = []
        for i, (n, cells) in enumerate(rows, start=1):
            parsed.append((n, self.parse_row(n, [_decode(v) for v in cells], problems)))
            if progress and i % PROGRESS_EVERY == 0:
                progress(i, len(rows))
        self._check_cards(parsed, problems)
        self._check_persons(parsed, problems)
        problems.sort(key=lambda p: (p["row"], self.columns.get(p["key"], 99)))
        bad = {p["row"] for p in problems}
        return [(n, v) for n, v in parsed if n not in bad], problems

    def _check_cards(self, parsed, problems):
        seen: dict[tuple, int] = {}
        orgs = {v["organization_id"] for _n, v in parsed if v["card_number"]} - {None}
        used = set()
        for chunk in _chunks(orgs):
            used.update(
                Membership.objects.filter(organization_id__in=chunk)
                .exclude(card_number="")
                .values_list("organization_id", "card_number")
            )
        for n, v in parsed:
            card, org = v["card_number"], v["organization_id"]
            if not card or org is None:
                continue
            if (org, card) in used:
                self._problem(
                    problems,
                    n,
                    "card_number",
                    card,
                    _("Card number %(card)s is already used in %(org)s.")
                    % {"card": card, "org": self.org_names[org]},
                )
            elif (org, card) in seen:
                self._problem(
                    problems,
                    n,
                    "card_number",
                    card,
                    _("Card number %(card)s is already used in row %(row)s of this file.")
                    % {"card": card, "row": seen[(org, card)]},
                )
            else:
                seen[(org, card)] = n

    def _check_persons(self, parsed, problems):
        visible = Person.objects.visible_to(self.actor, Action.VIEW).filter(
            merged_into__isnull=True
        )
        linked_ids = {v["person_id"] for _n, v in parsed if v["person_id"]}
        linked = {}
        members = set()
        for chunk in _chunks(linked_ids):
            for pk, key, family, middle, given in visible.filter(pk__in=chunk).values_list(
                "pk", "name_key", "family_name", "middle_name", "given_name"
            ):
                linked[pk] = (key, " ".join(p for p in (family, middle, given) if p))
            members.update(
                Membership.objects.filter(person_id__in=chunk).values_list(
                    "person_id", "organization_id"
                )
            )
        existing: dict[tuple, tuple] = {}
        keys = {v["name_key"] for _n, v in parsed if not v["person_id"] and v["name_key"]}
        for chunk in _chunks(keys):
            for pk, key, dob, phone, family, middle, given in visible.filter(
                name_key__in=chunk
            ).values_list(
                "pk",
                "name_key",
                "date_of_birth",
                "phone_key",
                "family_name",
                "middle_name",
                "given_name",
            ):
                found = (f"P-{pk:06d}", " ".join(p for p in (family, middle, given) if p))
                if dob:
                    existing.setdefault((key, "dob", dob), found)
                if phone:
                    existing.setdefault((key, "phone", phone), found)
        in_file: dict[tuple, int] = {}
        for n, v in parsed:
            pid = v["person_id"]
            if pid:
                self._check_link(problems, n, v, linked, members, in_file)
                continue
            if not v["name_key"]:
                continue
            keys = []
            if v["date_of_birth"]:
                keys.append((v["name_key"], "dob", v["date_of_birth"]))
            if v["phone_key"]:
                keys.append((v["name_key"], "phone", v["phone_key"]))
            match = next((existing[k] for k in keys if k in existing), None)
            if match:
                self._problem(
                    problems,
                    n,
                    "person_code",
                    v["person_code"],
                    _(
                        "%(name)s (%(code)s) is already recorded with the same name and date "
                        "of birth or phone: write %(code)s in “Mã cá nhân” to add the "
                        "membership to that person."
                    )
                    % {"name": match[1], "code": match[0]},
                )
                continue
            first = next((in_file[k] for k in keys if k in in_file), None)
            if first:
                self._problem(
                    problems,
                    n,
                    "family_name",
                    v["family_name"],
                    _(
                        "Same person as row %(row)s (same name and date of birth or phone). "
                        "Keep one row; after the import, add another membership with "
                        "“Mã cá nhân”."
                    )
                    % {"row": first},
                )
                continue
            for k in keys:
                in_file.setdefault(k, n)

    def _check_link(self, problems, n, v, linked, members, in_file):
        pid, org = v["person_id"], v["organization_id"]
        code = f"P-{pid:06d}"
        if pid not in linked:
            self._problem(
                problems,
                n,
                "person_code",
                v["person_code"],
                _("No person %(code)s among the persons you can see.") % {"code": code},
            )
            return
        key, name = linked[pid]
        if v["name_key"] and v["name_key"] != key:
            self._problem(
                problems,
                n,
                "person_code",
                v["person_code"],
                _("%(code)s is %(name)s, not the person named in this row.")
                % {"code": code, "name": name},
            )
        elif org is not None and (pid, org) in members:
            self._problem(
                problems,
                n,
                "person_code",
                v["person_code"],
                _("%(name)s is already a member of %(org)s.")
                % {"name": name, "org": self.org_names[org]},
            )
        elif org is not None and ("link", pid, org) in in_file:
            self._problem(
                problems,
                n,
                "person_code",
                v["person_code"],
                _("Row %(row)s already adds %(name)s to %(org)s.")
                % {"row": in_file[("link", pid, org)], "name": name, "org": self.org_names[org]},
            )
        else:
            in_file[("link", pid, org)] = n
