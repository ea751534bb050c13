"""Import of an existing register from a spreadsheet (.xlsx or .csv), independent of HTTP.

The official database stays the system of record (DOMAIN.md §9): chapters bring its exports in
here. Three steps, shared by the pages (members/import_views.py) and ``manage.py import_members``:

1. ``read_table(filename, content)`` (``importing.read``) reads the file: Excel through
   openpyxl, CSV in UTF-8 (with or without BOM), UTF-16 or Windows-1258, every value normalised
   to NFC. Columns are found by their Vietnamese headers (``COLUMNS``, ``importing.columns``;
   case, diacritics and "*" ignored). A problem with the file as a whole raises
   ``ImportFileError``.
2. ``plan_import(table, chapter)`` (``importing.plan``) writes nothing. Each row becomes a
   create, an update (the detail fields that differ) or unchanged, with errors by row and column.
   Rows are matched on citizen ID, then party card number, among the chapter's members on the
   roll; the rules are ``members.checks``, the services' own, run on unsaved rows. A fixed number
   of queries for up to ``LOOKUP_CHUNK`` identifiers.
3. ``apply_plan(plan, actor=..., progress=...)`` (``importing.apply``) writes every row in ONE
   transaction, in batches of ``BATCH_SIZE`` (``importing.write``): each row goes through the
   checks and steps of ``members.services`` (those of ``member_register(imported=True)`` for a
   create, of ``member_update_details`` for an update), the identifiers of a whole batch are
   checked at once, and members, history rows and ledger entries are written in bulk: a fixed
   number of queries per batch. A plan with any error, or any refusal while writing, imports
   nothing. ``batch_import(batch_id=..., actor=..., progress=...)`` does it for a kept upload
   (what the pages and a background task call); ``progress(done, total)`` follows the
   batches.

An empty cell never erases what the register holds, so importing the same file twice changes
nothing the second time. The register's Excel export (``reports.exports``) carries a sheet in
these very columns and headings, so uploading a downloaded register plans no change: its
read-only columns (chapter, party age, "Xếp loại năm …") are skipped without a notice
(``columns.is_skipped``), its 7-HSĐV book sheet gives way to that list, and a row whose "Chi bộ"
names another chapter is refused. Other unknown columns are ignored and listed in the preview.

Status, cell and key dates of a member already on the roll are not changed by an import: a
difference is shown as a note pointing to the movement pages. The template to fill in is
``importing.template``.
"""

from members.importing.apply import (
    STALE_AFTER,
    apply_plan,
    batch_create,
    batch_import,
    batch_plan,
    import_table,
    summary_text,
)
from members.importing.columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    CREATE,
    GUIDE_SHEET,
    TEMPLATE_SHEET,
    UNCHANGED,
    UPDATE,
    Column,
    _header_key,
)
from members.importing.plan import LOOKUP_CHUNK, Issue, Plan, RowPlan, plan_import
from members.importing.read import MAX_BYTES, ImportFileError, Table, read_table
from members.importing.template import template_workbook
from members.importing.write import BATCH_SIZE, ImportFailed, Progress

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "CREATE",
    "GUIDE_SHEET",
    "LOOKUP_CHUNK",
    "MAX_BYTES",
    "STALE_AFTER",
    "TEMPLATE_SHEET",
    "UNCHANGED",
    "UPDATE",
    "Column",
    "ImportFailed",
    "ImportFileError",
    "Issue",
    "Plan",
    "Progress",
    "RowPlan",
    "Table",
    "_header_key",
    "apply_plan",
    "batch_create",
    "batch_import",
    "batch_plan",
    "import_table",
    "plan_import",
    "read_table",
    "summary_text",
    "template_workbook",
]
