"""Disclosure control: what the monitoring figures may say once they leave the page (the year's
figures as PDF and XLSX), where a single case in a small area can identify a child.

The rules, applied to every table before it is written (``protect``):

1. A count from 1 to ``settings.DISCLOSURE_THRESHOLD`` less one (4) is shown as "fewer than 5".
   Zero is shown: it describes no one.
2. A total that is itself such a count is shown the same way.
3. No suppressed figure can be worked back from a total: a row with a total, a column with a
   total row, the totals row itself and the column of the rows' totals (both add up to the grand
   total) are each a sum, and no sum may have exactly one figure not shown, its total counted
   in. Where one has, the smallest other count in it that is not zero is hidden too (or, where
   there is none, its total), until no sum has.
4. A median, percentile or share is not shown when it is worked out from fewer records than the
   threshold ("fewer than 5 records"), or when it would reveal a count that rule 1 hides (80% of
   5 within timescale says that 1 was not: "hidden").

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
        "out from it, from a total or from a share.",
        f"“{NONE}”: no records.",
    )


def small(value: float | None) -> bool:
    """A count from 1 to the threshold less one: one that could identify a case."""
    return value is not None and 0 < value < threshold()


def _primary(cell: Cell) -> Cell:
    if cell.kind in (COUNT, TOTAL) and small(cell.value):
        return replace(cell, value=None, text=fewer_than(), link=None, suppressed=True)
    if cell.kind == STAT and cell.value is not None:
        if cell.base < threshold():
            return replace(cell, value=None, text=f"{fewer_than()} records", suppressed=True)
        if any(small(part) for part in cell.parts):
            return _hide(cell)
    return cell


def _hide(cell: Cell) -> Cell:
    return replace(cell, value=None, text=HIDDEN, link=None, suppressed=True)


Place = tuple[int, int]  # a cell's row and column
Sum = tuple[tuple[Place, ...], Place]  # the cells that add up to a total, and the total's


def sums(table: Table) -> list[Sum]:
    """Every sum the table shows: each row with a total (its counts), each column with a total
    row (its counts, or its rows' totals), and the grand total as the sum of the total row's
    other totals."""
    kinds = [[cell.kind for cell in row.cells] for row in table.rows]
    body = [index for index, row in enumerate(table.rows) if not row.is_total]
    found: list[Sum] = []
    for index in body:
        for column, kind in enumerate(kinds[index]):
            if kind == TOTAL:
                counts = tuple(
                    (index, each) for each, kind in enumerate(kinds[index]) if kind == COUNT
                )
                found.append((counts, (index, column)))
    for total_row in (index for index, row in enumerate(table.rows) if row.is_total):
        totals = [column for column, kind in enumerate(kinds[total_row]) if kind == TOTAL]
        for column in totals:
            parts = tuple(
                (index, column) for index in body if kinds[index][column] in (COUNT, TOTAL)
            )
            found.append((parts, (total_row, column)))
        # The grand total: the column that holds the rows' totals.
        grand = next(
            (column for column in totals if any(kinds[index][column] == TOTAL for index in body)),
            None,
        )
        if grand is not None:
            others = tuple((total_row, column) for column in totals if column != grand)
            found.append((others, (total_row, grand)))
    return found


def _secondary(grid: list[list[Cell]], parts: tuple[Place, ...], total: Place) -> bool:
    """Hide one more count of a sum that has exactly one figure not shown (a part, or the
    total); whether it hid one."""
    missing = [place for place in (*parts, total) if grid[place[0]][place[1]].suppressed]
    if not parts or len(missing) != 1:
        return False
    shown = [
        place for place in parts
        if not grid[place[0]][place[1]].suppressed and grid[place[0]][place[1]].value
    ]  # fmt: skip
    if not shown and missing == [total]:
        return False  # every part is zero: so is the total, which shows nothing
    target = min(shown, key=lambda place: grid[place[0]][place[1]].value or 0, default=total)
    grid[target[0]][target[1]] = _hide(grid[target[0]][target[1]])
    return True


def protect(table: Table) -> Table:
    """``table`` with every figure that could identify a case suppressed or hidden, its links
    removed and its key (``notes``) added."""
    grid = [[replace(_primary(cell), link=None) for cell in row.cells] for row in table.rows]
    every_sum = sums(table)
    changed = True
    while changed:
        changed = False
        for parts, total in every_sum:
            changed |= _secondary(grid, parts, total)
    rows = tuple(
        Row(row.header, tuple(cells), row.is_total)
        for row, cells in zip(table.rows, grid, strict=True)
    )
    return replace(table, rows=rows, notes=(*table.notes, *notes()))
