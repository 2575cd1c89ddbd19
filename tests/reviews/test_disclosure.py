"""Disclosure control of the monitoring tables (issue 20): what the year's figures may say once
they leave the portal. Counts of 1 to 4 are given as "fewer than 5"; a figure that would let one
be worked out from a total, or a share that would reveal one, is hidden; no link is left."""

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from reviews.monitoring.disclosure import HIDDEN, notes, protect, sums
from reviews.monitoring.tables import NONE, STAT, TOTAL, Cell, Row, Table, count, stat

FEWER = "fewer than 5"


def column(*values: int, total: bool = False) -> Table:
    """A table of one column of counts, each linked to its records, and a total row."""
    rows = [Row(f"Row {n}", (count(value, f"/records/{n}/"),)) for n, value in enumerate(values)]
    if total:
        rows.append(Row("Total", (count(sum(values), "/records/", TOTAL),), True))
    return Table("fictional", "Fictional counts", ("Where", "Referrals"), tuple(rows))


def grid(*rows: tuple[int, ...]) -> Table:
    """A table of counts with each row's total and a totals row with the grand total, as the
    table of actions by agency and state has."""
    body = [
        Row(f"Agency {n}", (*(count(value) for value in values), count(sum(values), kind=TOTAL)))
        for n, values in enumerate(rows)
    ]
    columns = [sum(values) for values in zip(*rows, strict=True)]
    totals = Row(
        "All agencies",
        (*(count(value, kind=TOTAL) for value in columns), count(sum(columns), kind=TOTAL)),
        True,
    )
    headings = ("Agency", *(f"State {n}" for n in range(len(rows[0]))), "Total")
    return Table("grid", "Fictional grid", headings, (*body, totals))


def texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def missing(table: Table) -> list[int]:
    """For every sum the table shows, how many of its figures (the total too) are not shown."""
    return [
        sum(table.rows[row].cells[cell].suppressed for row, cell in (*parts, total))
        for parts, total in sums(table)
    ]


def test_counts_from_1_to_4_are_fewer_than_5_and_0_and_5_are_shown() -> None:
    protected = protect(column(0, 1, 4, 5))
    assert texts(protected) == [["0"], [FEWER], [FEWER], ["5"]]
    assert [row.cells[0].value for row in protected.rows] == [0, None, None, 5]
    assert [row.cells[0].suppressed for row in protected.rows] == [False, True, True, False]


def test_a_total_from_1_to_4_is_fewer_than_5() -> None:
    assert texts(protect(column(2, 1, 0, total=True))) == [[FEWER], [FEWER], ["0"], [FEWER]]


def test_one_count_suppressed_in_a_row_with_a_total_hides_the_next_smallest() -> None:
    row = Row("Agency", (count(2), count(9), count(7), count(0), count(18, kind=TOTAL)))
    table = Table("row", "Fictional row", ("Agency", "A", "B", "C", "D", "Total"), (row,))
    assert texts(protect(table)) == [[FEWER, "9", HIDDEN, "0", "18"]]


def test_one_count_suppressed_in_a_column_with_a_total_row_hides_the_next_smallest() -> None:
    protected = protect(column(3, 10, 6, 0, total=True))
    assert texts(protected) == [[FEWER], ["10"], [HIDDEN], ["0"], ["19"]]
    assert missing(protected) == [2]


def test_a_table_with_row_totals_and_a_totals_row_leaves_no_sum_one_figure_short() -> None:
    # The 2 is suppressed; the 8 beside it, the 6 below it, and then the 9 that would give the
    # 8 back from its column's total are hidden: the margins stay.
    protected = protect(grid((2, 8), (6, 9)))
    assert texts(protected) == [
        [FEWER, HIDDEN, "10"],
        [HIDDEN, HIDDEN, "15"],
        ["8", "17", "25"],
    ]
    assert 1 not in missing(protected)


def test_a_small_column_total_cannot_be_worked_out_from_the_grand_total() -> None:
    protected = protect(grid((1, 10), (2, 12)))
    totals = texts(protected)[-1]
    assert totals == [FEWER, HIDDEN, "25"]  # else 25 less 22 gives the 3 back
    assert 1 not in missing(protected)


def test_a_small_row_total_cannot_be_worked_out_from_the_grand_total() -> None:
    # Agency 0's total (3) is suppressed; 33 less the other two totals would give it back, so
    # one of them is hidden too, and its row's counts with it, so that they cannot give it back.
    protected = protect(grid((1, 2), (6, 9), (7, 8)))
    row_totals = [row[-1] for row in texts(protected)]
    assert row_totals[0] == FEWER
    assert row_totals[1:3].count(HIDDEN) == 1
    assert row_totals[-1] == "33"
    assert 1 not in missing(protected)


def test_a_stat_of_fewer_than_5_records_or_revealing_a_small_count_is_not_shown() -> None:
    cells = (
        stat(3, "3", base=4),
        stat(3.5, "3.5", base=5),
        Cell(83, "83%", STAT, "/records/late/", base=6, parts=(5, 1)),
        Cell(100, "100%", STAT, None, base=6, parts=(6, 0)),
        stat(None, NONE, base=0),
    )
    headings = ("Step", "Median", "90th percentile", "Within", "All within", "None")
    table = Table("stats", "Fictional stats", headings, (Row("Step", cells),))
    assert texts(protect(table)) == [[f"{FEWER} records", "3.5", HIDDEN, "100%", NONE]]


def test_links_are_removed_and_the_key_to_the_marks_is_added() -> None:
    original = column(0, 1, 12, total=True)
    assert any(cell.link for row in original.rows for cell in row.cells)
    protected = protect(original)
    assert not any(cell.link for row in protected.rows for cell in row.cells)
    assert protected.notes == notes()
    assert protected.notes[0].startswith("“fewer than 5”: between 1 and 4 records")
    assert any(note.startswith(f"“{HIDDEN}”") for note in protected.notes)
    assert protected.title == original.title
    assert protected.columns == original.columns


def test_the_threshold_is_read_from_the_settings(settings: Settings) -> None:
    settings.DISCLOSURE_THRESHOLD = 10
    protected = protect(column(0, 9, 10, 25, total=True))
    assert texts(protected) == [["0"], ["fewer than 10"], [HIDDEN], ["25"], ["44"]]
    assert protected.notes[0].startswith("“fewer than 10”: between 1 and 9 records")


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(0, 12), min_size=width, max_size=width), min_size=1, max_size=5
        )
    )
)
def test_no_protected_table_has_a_sum_one_figure_short(rows: list[list[int]]) -> None:
    original = grid(*(tuple(row) for row in rows))
    protected = protect(original)
    assert 1 not in missing(protected)
    for before, after in zip(original.rows, protected.rows, strict=True):
        for was, now in zip(before.cells, after.cells, strict=True):
            # What is shown is what was counted, and never from 1 to 4.
            assert now.suppressed or (now.value == was.value and not 0 < (now.value or 0) < 5)
