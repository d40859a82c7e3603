from __future__ import annotations

import io

from server.importers import ImportRow, iter_rows


def rows_of(data: str | bytes, filename: str = "contacts.csv", **kwargs) -> list[ImportRow]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(iter_rows(io.BytesIO(raw), filename, **kwargs))


def by_line(rows: list[ImportRow]) -> dict[int, ImportRow]:
    return {row.line: row for row in rows}
