"""Disclosure control: what the monitoring figures may say once they leave the page (the year's
figures as PDF and XLSX), where a single case in a small area can identify a child.

The rules, applied to every table before it is written (``protect``):

1. A count from 1 to ``settings.DISCLOSURE_THRESHOLD`` less one (4) is shown as "fewer than 5".
   Zero is shown: it describes no one.
2. A total that is itself such a count is shown the same way.
3. No suppressed count can be worked back from a total: in every row with a total, and every
   column with a total row, where exactly one count is suppressed, the smallest other count that
   is not zero is hidden too (or, where there is none, the total), until no row or column has a
   single suppressed count beside a total shown.
4. A median, percentile or share is not shown when it is worked out from fewer records than the
   threshold, or when it would reveal a count that rule 1 hides (80% of 5 within timescale says
   that 1 was not).

This follows the practice of the UK's official statistics (the Government Statistical Service's
guidance on disclosure control, and NHS England's "small numbers" rule for counts under 5) and of
OpenSAFELY's ``disclosure_control`` (suppress, then hide what a total would give away). Its limit:
it protects each table on its own; two downloads of overlapping scopes (one panel, and every
panel) could still be set against each other, which is why downloads are for the SBNI's own
returns and every one is audited.
"""

from dataclasses import replace

from django.conf import settings

from reviews.monitoring.tables import COUNT, NONE, STAT, TOTAL, Cell, Row, Table

HIDDEN = "hidden"


def threshold() -> int:
    """The smallest count given exactly (``settings.DISCLOSURE_THRESHOLD``, 5)."""
    return int(settings.DISCLOSURE_THRESHOLD)


def fewer_than() -> str:
    """The words that stand for a suppressed count: "fewer than 5"."""
    return f"fewer than {threshold()}"


def notes() -> tuple[str, ...]:
    """The key to the marks a protected table carries."""
    return (
        f"“{fewer_than()}”: between 1 and {threshold() - 1} records, not given exactly because "
        "so few cases could identify a child.",
        f"“{HIDDEN}”: not given so that a number shown as “{fewer_than()}” cannot be worked "
        "out from a total.",
        f"“{NONE}”: no records.",
    )


def small(value: float | None) -> bool:
    """A count from 1 to the threshold less one: one that could identify a case."""
    return value is not None and 0 < value < threshold()


def _primary(cell: Cell) -> Cell:
    if cell.kind in (COUNT, TOTAL) and small(cell.value):
        return replace(cell, value=None, text=fewer_than(), link=None, suppressed=True)
    revealing = cell.base < threshold() or any(small(part) for part in cell.parts)
    if cell.kind == STAT and cell.value is not None and revealing:
        return replace(cell, value=None, text=fewer_than() + " records", link=None, suppressed=True)
    return cell


def _hide(cell: Cell) -> Cell:
    return replace(cell, value=None, text=HIDDEN, link=None, suppressed=True)


def _secondary(grid: list[list[Cell]], line: list[tuple[int, int]], total: tuple[int, int]) -> bool:
    """Hide one more cell of ``line`` (counts, by row and column) if exactly one of its counts
    is suppressed while its ``total`` is shown; whether it hid one."""
    row, column = total
    if grid[row][column].suppressed:
        return False
    suppressed = [place for place in line if grid[place[0]][place[1]].suppressed]
    if len(suppressed) != 1:
        return False
    shown = [
        place for place in line
        if not grid[place[0]][place[1]].suppressed and grid[place[0]][place[1]].value
    ]  # fmt: skip
    target = min(shown, key=lambda place: grid[place[0]][place[1]].value or 0, default=total)
    grid[target[0]][target[1]] = _hide(grid[target[0]][target[1]])
    return True


def protect(table: Table) -> Table:
    """``table`` with every figure that could identify a case suppressed or hidden, its links
    removed and its key (``notes``) added."""
    grid = [[replace(_primary(cell), link=None) for cell in row.cells] for row in table.rows]
    totals_row = next((index for index, row in enumerate(table.rows) if row.is_total), None)
    body = [index for index, row in enumerate(table.rows) if not row.is_total]
    changed = True
    while changed:
        changed = False
        for index in body:
            cells = grid[index]
            total = next((column for column, cell in enumerate(cells) if cell.kind == TOTAL), None)
            if total is not None:
                line = [(index, column) for column, cell in enumerate(cells) if cell.kind == COUNT]
                changed |= _secondary(grid, line, (index, total))
        if totals_row is not None:
            # The column holding each row's total: in the totals row, the grand total.
            grand = (
                next(
                    (column for column, cell in enumerate(grid[body[0]]) if cell.kind == TOTAL),
                    None,
                )
                if body
                else None
            )
            for column, cell in enumerate(grid[totals_row]):
                if cell.kind == TOTAL and column != grand:
                    line = [(index, column) for index in body if grid[index][column].kind == COUNT]
                    changed |= _secondary(grid, line, (totals_row, column))
            if grand is not None:
                line = [
                    (totals_row, column)
                    for column, cell in enumerate(grid[totals_row])
                    if cell.kind == TOTAL and column != grand
                ]
                changed |= _secondary(grid, line, (totals_row, grand))
    rows = tuple(
        Row(row.header, tuple(cells), row.is_total)
        for row, cells in zip(table.rows, grid, strict=True)
    )
    return replace(table, rows=rows, notes=(*table.notes, *notes()))
