"""A readable line diff between two texts, as rows a template renders with <ins>/<del>."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "equal", "removed", "added", "changed" or "gap"
    old_number: int | None
    old_text: str
    new_number: int | None
    new_text: str


def line_diff(old: str, new: str, *, context: int = 2) -> list[DiffRow]:
    """Side-by-side rows of the changes, with ``context`` unchanged lines around each."""
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    rows: list[DiffRow] = []
    for group_index, group in enumerate(matcher.get_grouped_opcodes(context)):
        if group_index:
            rows.append(DiffRow("gap", None, "", None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset in range(i2 - i1):
                    rows.append(
                        DiffRow(
                            "equal", i1 + offset + 1, old_lines[i1 + offset],
                            j1 + offset + 1, new_lines[j1 + offset],
                        )
                    )  # fmt: skip
            elif tag == "delete":
                rows.extend(
                    DiffRow("removed", i + 1, old_lines[i], None, "") for i in range(i1, i2)
                )
            elif tag == "insert":
                rows.extend(DiffRow("added", None, "", j + 1, new_lines[j]) for j in range(j1, j2))
            else:  # replace: pair lines up, the rest are plain removals or additions
                span = max(i2 - i1, j2 - j1)
                for offset in range(span):
                    i, j = i1 + offset, j1 + offset
                    has_old, has_new = i < i2, j < j2
                    kind = "changed" if has_old and has_new else ("removed" if has_old else "added")
                    rows.append(
                        DiffRow(
                            kind,
                            i + 1 if has_old else None,
                            old_lines[i] if has_old else "",
                            j + 1 if has_new else None,
                            new_lines[j] if has_new else "",
                        )
                    )
    return rows
