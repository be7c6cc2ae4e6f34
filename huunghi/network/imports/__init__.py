"""Member import: the .xlsx template, reading and checking a member list row by row
(``rows``), and the import job that applies its clean rows in one transaction once the user
confirms (``jobs``).

The file is read once (openpyxl is the slow part) and its cells are kept next to it as
gzipped JSON; checking again before applying, and the file of rejected rows, read that copy.
Every lookup is loaded into a dict before the rows are checked, so the cost per row is
Python only, and the rows are written with ``bulk_create``.
"""

from .jobs import (
    _load_cells,
    member_import_apply,
    member_import_confirm,
    member_import_start,
    member_import_validate,
    rejected_rows_xlsx,
)
from .rows import (
    BATCH,
    COLUMNS,
    ERROR_HEADER,
    IMPORT_ACTION,
    KIND,
    MEMBER_KINDS,
    PERSONAL_KEYS,
    SHEET,
    TARGET_KINDS,
    VALUES_SHEET,
    XLSX_TYPE,
    ImportFileError,
    MemberRows,
    _communes,
    import_targets,
    read_xlsx,
    template_build,
    template_columns,
)

__all__ = [
    "BATCH",
    "COLUMNS",
    "ERROR_HEADER",
    "IMPORT_ACTION",
    "KIND",
    "MEMBER_KINDS",
    "PERSONAL_KEYS",
    "SHEET",
    "TARGET_KINDS",
    "VALUES_SHEET",
    "XLSX_TYPE",
    "ImportFileError",
    "MemberRows",
    "_communes",
    "_load_cells",
    "import_targets",
    "member_import_apply",
    "member_import_confirm",
    "member_import_start",
    "member_import_validate",
    "read_xlsx",
    "rejected_rows_xlsx",
    "template_build",
    "template_columns",
]
