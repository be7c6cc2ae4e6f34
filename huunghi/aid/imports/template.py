"""The .xlsx template of the aid import: the activities sheet and the transactions sheet
with their headers and one example row each, a sheet of the values allowed, and a guide."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from huunghi.orgs.choices import Action, OrgKind
from huunghi.orgs.models import Organization
from huunghi.partners.models import Partner

from ..models import AidForm, BeneficiaryGroup, Sector
from .columns import (
    ACTIVITY_COLUMNS,
    ACTIVITY_EXAMPLE,
    ACTIVITY_SHEET,
    KIND_LABELS,
    MAX_ROWS,
    STATUS_LABELS,
    TRANSACTION_COLUMNS,
    TRANSACTION_EXAMPLE,
    TRANSACTION_SHEET,
    VALUES_SHEET,
)

GUIDE_SHEET = "Hướng dẫn"

EXAMPLE_ACTIVITY = {
    **ACTIVITY_EXAMPLE,
    "form": "Dự án",
    "title_en": "Example: delete this row",
    "donors": "Tên, tên viết tắt hoặc mã IATI của nhà tài trợ; nhà tài trợ thứ hai",
    "aid_owner": "Sở Y tế tỉnh …",
    "managing_agency": "Ủy ban nhân dân tỉnh …",
    "sectors": "Y tế 60; Giáo dục 40",
    "locations": "Xã … : 50; Xã … : 50",
    "beneficiaries": "Trẻ em: 1200; Phụ nữ: 300",
    "planned_start": "01/01/2024",
    "planned_end": "31/12/2025",
    "actual_start": "15/01/2024",
    "status": STATUS_LABELS["implementing"],
    "decision_number": "123/QĐ-UBND",
    "decision_date": "10/01/2024",
    "decision_authority": "Ủy ban nhân dân tỉnh …",
}
EXAMPLE_TRANSACTION = {
    **TRANSACTION_EXAMPLE,
    "kind": KIND_LABELS["commitment"],
    "date": "10/01/2024",
    "amount": "50000",
    "currency": "USD",
    "provider": "Tên nhà tài trợ",
    "description": "Cam kết theo thỏa thuận tài trợ",
}
TEXT_KEYS = {"reference", "activity", "decision_number", "iati_identifier", "locations"}
DATE_KEYS = {"planned_start", "planned_end", "actual_start", "actual_end", "decision_date", "date"}

GUIDE = [
    "Nhập lịch sử viện trợ: mỗi dòng của trang “Khoản viện trợ” là một khoản viện trợ đã được "
    "phê duyệt (hoặc đang thực hiện, đã hoàn thành, đã kết thúc); mỗi dòng của trang "
    "“Giao dịch” là một cam kết, giải ngân hoặc chi tiêu của một khoản viện trợ.",
    "Xóa dòng ví dụ (dòng 2) ở cả hai trang trước khi tải lên.",
    "Số hiệu: số riêng của đơn vị cho khoản viện trợ, không trùng nhau; trang “Giao dịch” "
    "ghi số hiệu này để chỉ khoản viện trợ.",
    "Nhà tài trợ: tên, tên viết tắt hoặc mã IATI như trong danh bạ đối tác; nhiều nhà tài trợ "
    "cách nhau bằng dấu “;”.",
    "Lĩnh vực: tên hoặc mã lĩnh vực kèm tỷ lệ phần trăm, ví dụ “Y tế 60; Giáo dục 40” "
    "(tổng bằng 100; một lĩnh vực thì không cần tỷ lệ).",
    "Địa bàn: tên xã/phường hoặc tỉnh/thành phố (cả đơn vị trước ngày 01/07/2025) hoặc mã "
    "GSO; thêm tỉnh sau dấu phẩy khi tên trùng (“Tân Phú, Đồng Nai”); tỷ lệ tùy chọn sau "
    "dấu “:” (“Xã A: 60; Xã B: 40”), không ghi thì chia đều.",
    "Đối tượng thụ hưởng: nhóm và số người, ví dụ “Trẻ em: 1200; Phụ nữ: 300”.",
    "Ngày ghi theo dd/mm/yyyy, ví dụ 05/02/2026.",
    "Trạng thái: Đã phê duyệt, Đang thực hiện, Đã hoàn thành hoặc Đã kết thúc; từ “Đang "
    "thực hiện” trở đi cần số, ngày và cơ quan của quyết định phê duyệt.",
    "Giao dịch: loại (Cam kết, Giải ngân, Chi tiêu), ngày trong thời gian của khoản viện "
    "trợ, số tiền (giải ngân âm là điều chỉnh), tiền tệ theo ISO 4217 (VND, USD, EUR…), "
    "nhà tài trợ là một trong các nhà tài trợ của khoản viện trợ.",
    "Số tiền VNĐ thực nhận (tùy chọn) được dùng thay cho giá trị theo tỷ giá; giao dịch "
    "chưa có tỷ giá vẫn được nhập và được đánh dấu để bổ sung tỷ giá sau.",
]


def _sheet(ws, columns, example):
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font, cell.fill = bold, fill
        ws.cell(row=2, column=i, value=example.get(column.key, "")).font = Font(italic=True)
        ws.column_dimensions[get_column_letter(i)].width = column.width
        if column.key in TEXT_KEYS:
            for row in range(2, 1001):
                ws.cell(row=row, column=i).number_format = "@"
        elif column.key in DATE_KEYS:
            for row in range(3, 1001):
                ws.cell(row=row, column=i).number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"


def _dropdown(ws, columns, key, values_letter, count):
    index = next(i for i, c in enumerate(columns, start=1) if c.key == key)
    dv = DataValidation(
        type="list",
        formula1=f"'{VALUES_SHEET}'!${values_letter}$2:${values_letter}${count + 1}",
        allow_blank=True,
    )
    ws.add_data_validation(dv)
    letter = get_column_letter(index)
    dv.add(f"{letter}2:{letter}{MAX_ROWS}")


def template_build(*, actor) -> bytes:
    """The .xlsx template of the aid import, with the values ``actor`` may use: forms of
    aid, sectors, beneficiary groups, statuses, transaction kinds, partners, organisations."""
    wb = Workbook()
    activities = wb.active
    activities.title = ACTIVITY_SHEET
    _sheet(activities, ACTIVITY_COLUMNS, EXAMPLE_ACTIVITY)
    transactions = wb.create_sheet(TRANSACTION_SHEET)
    _sheet(transactions, TRANSACTION_COLUMNS, EXAMPLE_TRANSACTION)

    partners = list(
        Partner.objects.visible_to(actor, Action.VIEW)
        .order_by("name")
        .values_list("name", "acronym", "iati_identifier")
    )
    organizations = list(
        Organization.objects.visible_to(actor, Action.VIEW)
        .filter(
            kind__in=(OrgKind.NATIONAL_UNION, OrgKind.PROVINCIAL_UNION, OrgKind.ASSOCIATION),
            deleted_at__isnull=True,
        )
        .order_by("path")
        .values_list("code", "name_vi")
    )
    sectors = list(Sector.objects.filter(is_active=True).values_list("code", "name_vi"))
    lists = [
        (
            "Hình thức viện trợ",
            list(AidForm.objects.filter(is_active=True).values_list("name_vi", flat=True)),
        ),
        ("Trạng thái", list(STATUS_LABELS.values())),
        ("Loại giao dịch", list(KIND_LABELS.values())),
        ("Lĩnh vực", [name for _code, name in sectors]),
        ("Mã lĩnh vực", [code for code, _name in sectors]),
        ("Đối tượng thụ hưởng", list(BeneficiaryGroup.objects.values_list("name_vi", flat=True))),
        ("Nhà tài trợ", [name for name, _a, _i in partners]),
        ("Tên viết tắt", [acronym for _n, acronym, _i in partners]),
        ("Mã IATI", [iati for _n, _a, iati in partners]),
        ("Mã đơn vị vận động", [code for code, _name in organizations]),
        ("Tên đơn vị vận động", [name for _code, name in organizations]),
    ]
    values = wb.create_sheet(VALUES_SHEET)
    for i, (header, items) in enumerate(lists, start=1):
        values.cell(row=1, column=i, value=header).font = Font(bold=True)
        values.column_dimensions[get_column_letter(i)].width = 36 if "Tên" in header else 20
        for row, item in enumerate(items, start=2):
            values.cell(row=row, column=i, value=item)
    _dropdown(activities, ACTIVITY_COLUMNS, "form", "A", len(lists[0][1]))
    _dropdown(activities, ACTIVITY_COLUMNS, "status", "B", len(lists[1][1]))
    _dropdown(transactions, TRANSACTION_COLUMNS, "kind", "C", len(lists[2][1]))

    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 120
    for row, line in enumerate(GUIDE, start=1):
        guide.cell(row=row, column=1, value=line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
