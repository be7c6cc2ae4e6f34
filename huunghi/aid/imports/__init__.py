"""Aid import: activities with their transactions from an .xlsx workbook (``columns``,
``template``), checked row by row (``checks``, ``lookups``, ``values``), then applied whole
once the user confirms (``jobs``, ``tasks``).

The pieces every spreadsheet import shares (the ``Column`` of a sheet, reading cells, dates,
the job's progress) come from ``huunghi.orgs.imports``, as for the member import.
"""

from .columns import (
    ACTIVITY_COLUMNS,
    ACTIVITY_SHEET,
    ERROR_HEADER,
    IMPORT_ACTION,
    KIND,
    ROW_HEADER,
    TRANSACTION_COLUMNS,
    TRANSACTION_SHEET,
    VALUES_SHEET,
)
from .jobs import (
    TARGET_KINDS,
    aid_import_apply,
    aid_import_confirm,
    aid_import_start,
    aid_import_validate,
    import_targets,
    rejected_rows_xlsx,
)
from .template import template_build

__all__ = [
    "ACTIVITY_COLUMNS",
    "ACTIVITY_SHEET",
    "ERROR_HEADER",
    "IMPORT_ACTION",
    "KIND",
    "ROW_HEADER",
    "TARGET_KINDS",
    "TRANSACTION_COLUMNS",
    "TRANSACTION_SHEET",
    "VALUES_SHEET",
    "aid_import_apply",
    "aid_import_confirm",
    "aid_import_start",
    "aid_import_validate",
    "import_targets",
    "rejected_rows_xlsx",
    "template_build",
]
