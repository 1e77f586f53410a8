"""CSV downloads that spreadsheet programs open safely.

RFC 4180 (CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled),
UTF-8 with a byte-order mark so Excel reads Norwegian letters right, and every text cell that
a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab, CR or
NUL) prefixed with ``'``. Numbers are written as numbers: a negative count stays ``-3``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
BOM = "\ufeff"


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return BOM + buffer.getvalue()


def csv_response(*, filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(
        csv_text(header, rows).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_parse(data: bytes) -> list[list[str]]:
    """Read back what ``csv_text`` wrote (tests, and anyone checking a download)."""
    text = data.decode("utf-8")
    text = text.removeprefix(BOM)
    return list(csv.reader(io.StringIO(text, newline="")))
