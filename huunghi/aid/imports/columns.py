"""The two sheets of the aid import, their columns (Vietnamese headers, English accepted),
the words allowed in them, and reading a workbook's sheets into rows."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from huunghi.core.text import normalise
from huunghi.orgs.imports import Column, ImportFileError
from huunghi.orgs.imports import cell as _cell
from huunghi.orgs.imports import encode as _encode
from huunghi.orgs.imports import is_empty as _is_empty
from huunghi.orgs.imports import key as _key

from ..choices import ActivityStatus, TransactionKind

KIND = "aid"
IMPORT_ACTION = "huunghi.aid_import"
ACTIVITY_SHEET = "Khoản viện trợ"
TRANSACTION_SHEET = "Giao dịch"
VALUES_SHEET = "Giá trị cho phép"
ERROR_HEADER = "Lỗi"
ROW_HEADER = "Dòng trong tệp gốc"
MAX_ROWS = 100_000
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class AidColumn(Column):
    """A column of the aid import; ``aliases`` are the other headers accepted (English)."""

    aliases: tuple[str, ...] = ()


def _col(key, header, label, width=16, required=False, max_length=0, aliases=()):
    return AidColumn(
        key, header, label, width, required, max_length=max_length, aliases=tuple(aliases)
    )


ACTIVITY_COLUMNS = (
    _col(
        "reference",
        "Số hiệu",
        gettext_lazy("reference"),
        14,
        True,
        60,
        ("reference", "số tham chiếu", "mã khoản viện trợ"),
    ),
    _col("form", "Hình thức viện trợ", gettext_lazy("form of aid"), 16, True, 0, ("form of aid",)),
    _col(
        "title_vi",
        "Tên khoản viện trợ (tiếng Việt)",
        gettext_lazy("title (Vietnamese)"),
        40,
        True,
        500,
        ("title_vi", "title (vietnamese)", "tên khoản viện trợ", "tên tiếng việt"),
    ),
    _col(
        "title_en",
        "Tên khoản viện trợ (tiếng Anh)",
        gettext_lazy("title (English)"),
        40,
        False,
        500,
        ("title_en", "title (english)", "tên tiếng anh"),
    ),
    _col("donors", "Nhà tài trợ", gettext_lazy("donors"), 28, True, 0, ("donors", "donor(s)")),
    _col(
        "implementing_partner",
        "Đối tác thực hiện",
        gettext_lazy("implementing partner"),
        24,
        aliases=("implementing partner",),
    ),
    _col(
        "aid_owner",
        "Chủ khoản viện trợ",
        gettext_lazy("aid owner"),
        24,
        max_length=255,
        aliases=("aid owner",),
    ),
    _col(
        "managing_agency",
        "Cơ quan chủ quản",
        gettext_lazy("managing agency"),
        24,
        max_length=255,
        aliases=("managing agency",),
    ),
    _col(
        "mobilised_by",
        "Đơn vị vận động",
        gettext_lazy("mobilised by"),
        20,
        aliases=("mobilised by", "mobilized by"),
    ),
    _col("sectors", "Lĩnh vực", gettext_lazy("sectors"), 28, True, 0, ("sectors", "sector")),
    _col("locations", "Địa bàn", gettext_lazy("locations"), 28, aliases=("locations", "location")),
    _col(
        "beneficiaries",
        "Đối tượng thụ hưởng",
        gettext_lazy("beneficiaries"),
        28,
        aliases=("beneficiaries",),
    ),
    _col(
        "planned_start",
        "Ngày bắt đầu dự kiến",
        gettext_lazy("planned start"),
        12,
        aliases=("planned start",),
    ),
    _col(
        "planned_end",
        "Ngày kết thúc dự kiến",
        gettext_lazy("planned end"),
        12,
        aliases=("planned end",),
    ),
    _col(
        "actual_start",
        "Ngày bắt đầu thực tế",
        gettext_lazy("actual start"),
        12,
        aliases=("actual start",),
    ),
    _col(
        "actual_end",
        "Ngày kết thúc thực tế",
        gettext_lazy("actual end"),
        12,
        aliases=("actual end",),
    ),
    _col("status", "Trạng thái", gettext_lazy("status"), 16, True, 0, ("status",)),
    _col(
        "decision_number",
        "Số quyết định phê duyệt",
        gettext_lazy("approval decision no."),
        18,
        max_length=60,
        aliases=("decision number", "approval decision no.", "approval decision number"),
    ),
    _col(
        "decision_date",
        "Ngày quyết định phê duyệt",
        gettext_lazy("approval decision date"),
        12,
        aliases=("decision date", "approval decision date"),
    ),
    _col(
        "decision_authority",
        "Cơ quan phê duyệt",
        gettext_lazy("approving authority"),
        24,
        max_length=255,
        aliases=("decision authority", "approving authority"),
    ),
    _col(
        "iati_identifier",
        "Mã IATI",
        gettext_lazy("IATI identifier"),
        20,
        max_length=150,
        aliases=("iati identifier", "iati id"),
    ),
    _col("description", "Mô tả", gettext_lazy("description"), 30, aliases=("description",)),
)

TRANSACTION_COLUMNS = (
    _col(
        "activity",
        "Số hiệu khoản viện trợ",
        gettext_lazy("activity reference"),
        14,
        True,
        0,
        ("activity reference", "activity", "reference", "số hiệu", "khoản viện trợ"),
    ),
    _col("kind", "Loại giao dịch", gettext_lazy("kind"), 14, True, 0, ("kind", "type", "loại")),
    _col("date", "Ngày", gettext_lazy("date"), 12, True, 0, ("date", "ngày giao dịch")),
    _col("amount", "Số tiền", gettext_lazy("amount"), 16, True, 0, ("amount",)),
    _col("currency", "Tiền tệ", gettext_lazy("currency"), 8, True, 0, ("currency", "loại tiền")),
    _col("provider", "Nhà tài trợ", gettext_lazy("provider"), 24, aliases=("provider", "donor")),
    _col(
        "vnd_credited",
        "Số tiền VNĐ thực nhận",
        gettext_lazy("đồng actually credited"),
        18,
        aliases=("vnd credited", "vnd actually credited", "số tiền vnd thực nhận"),
    ),
    _col(
        "description",
        "Nội dung",
        gettext_lazy("description"),
        30,
        max_length=255,
        aliases=("description",),
    ),
)

#: the words of the file for the statuses an imported (historical) activity may have
STATUS_LABELS = {
    ActivityStatus.APPROVED: "Đã phê duyệt",
    ActivityStatus.IMPLEMENTING: "Đang thực hiện",
    ActivityStatus.COMPLETED: "Đã hoàn thành",
    ActivityStatus.CLOSED: "Đã kết thúc",
}
KIND_LABELS = {
    TransactionKind.COMMITMENT: "Cam kết",
    TransactionKind.DISBURSEMENT: "Giải ngân",
    TransactionKind.EXPENDITURE: "Chi tiêu",
}
STATUSES = {
    **{_key(label): value for value, label in STATUS_LABELS.items()},
    **{_key(value): value for value in STATUS_LABELS},
    **{_key(ActivityStatus(value).label): value for value in STATUS_LABELS},
}
KINDS = {
    **{_key(label): value for value, label in KIND_LABELS.items()},
    **{_key(value): value for value in KIND_LABELS},
}

#: example rows of the template, recognised (and refused) when left in the file
ACTIVITY_EXAMPLE = {"reference": "VD-2024-01", "title_vi": "Ví dụ: xóa dòng này"}
TRANSACTION_EXAMPLE = {"activity": "VD-2024-01"}


@dataclass
class Sheet:
    """One sheet as read: the columns found (key → index), and its non-empty rows."""

    name: str
    columns: tuple[AidColumn, ...]
    headers: list[str]
    index: dict[str, int]
    rows: list

    def letter(self, key: str) -> str:
        i = self.index.get(key)
        return get_column_letter(i + 1) if i is not None else ""


def header_map(columns) -> dict[str, AidColumn]:
    """Every accepted header, folded, → its column."""
    found = {}
    for column in columns:
        for text in (column.header, column.key, *column.aliases):
            found.setdefault(normalise(text), column)
    return found


def map_headers(headers: list[str], columns, *, sheet: str) -> dict[str, int]:
    """Column key → index for the recognised headers. ``ImportFileError`` when no header is
    recognised, one is repeated, or a required column is missing."""
    known = header_map(columns)
    found: dict[str, int] = {}
    for i, text in enumerate(headers):
        column = known.get(normalise(text.rstrip("* ")))
        if column is None:
            continue
        if column.key in found:
            raise ImportFileError(
                _("The column “%(column)s” appears twice in the sheet “%(sheet)s”.")
                % {"column": column.header, "sheet": sheet}
            )
        found[column.key] = i
    if not found:
        raise ImportFileError(
            _(
                "The first row of the sheet “%(sheet)s” must hold the column headers of the "
                "template (%(example)s …). Download the template and copy the rows into it."
            )
            % {"sheet": sheet, "example": ", ".join(c.header for c in columns[:3])}
        )
    missing = [c.header for c in columns if c.required and c.key not in found]
    if missing:
        raise ImportFileError(
            _("Required columns are missing from the sheet “%(sheet)s”: %(columns)s.")
            % {"sheet": sheet, "columns": ", ".join(missing)}
        )
    return found


def open_workbook(fileobj, *, name: str) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(fileobj)
    except Exception as exc:
        raise ImportFileError(
            _(
                "“%(name)s” is not an Excel workbook (.xlsx). Download the template, fill it "
                "in and upload it again."
            )
            % {"name": name}
        ) from exc


def read_sheet(
    wb: CalamineWorkbook, title: str, columns, *, first: bool = False, encode=True
) -> Sheet | None:
    """The sheet ``title`` of ``wb`` (or the first sheet when ``first`` and there is none of
    that name) with its headers mapped; ``None`` when the workbook has no such sheet. Rows
    are ``(excel_row, [cells])``, empty rows left out; cells JSON-safe when ``encode``."""
    names = {normalise(n): n for n in wb.sheet_names}
    found = names.get(normalise(title))
    if found is None:
        if not first:
            return None
        found = wb.sheet_names[0]
    ws = wb.get_sheet_by_name(found)
    rows = ws.iter_rows()
    header_row = next(rows, None) or ()
    headers = ["" if v is None else str(v).strip() for v in header_row]
    while headers and not headers[-1]:
        headers.pop()
    index = map_headers(headers, columns, sheet=found)
    width = len(headers)
    out = []
    for n, row in enumerate(rows, start=2):
        cells = [_cell(v) for v in row[:width]]
        if all(_is_empty(v) for v in cells):
            continue
        if len(out) >= MAX_ROWS:
            raise ImportFileError(
                _("The sheet “%(sheet)s” has more than %(max)s rows; split it into several files.")
                % {"sheet": found, "max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        cells += [None] * (width - len(cells))
        out.append((n, [_encode(v) for v in cells] if encode else cells))
    return Sheet(found, tuple(columns), headers, index, out)
