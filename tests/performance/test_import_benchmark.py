"""The chronology import's benchmark at a tiny size, on every CI run, so that it cannot rot.

Its timings are not judged here (docs/performance.md has them): what is checked is that every
file is built, checked and read in a process of its own, and that the hostile ones are refused
with a message a person can act on.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_import_benchmark_runs_small(tmp_path: Path) -> None:
    call_command(
        "benchmark_import", scale=0.01, output=str(tmp_path / "import"), stdout=io.StringIO()
    )
    results = json.loads((tmp_path / "import.json").read_text())
    files = {row["file"]: row for row in results["files"]}
    assert files["5,000 good rows (CSV)"]["entries"] == 50
    assert files["5,000 good rows (XLSX)"]["entries"] == 50
    assert files["5,000 rows over the text limits (CSV)"]["rows_to_correct"] == 50
    assert files["2,000 columns (XLSX)"]["message"].startswith("The spreadsheet has 2,000 columns")
    assert files["entities in the sheet (billion laughs)"]["outcome"] == "refused"
    assert all(row["seconds"] >= 0 and row["peak_mb"] > 0 for row in files.values())
    assert "| 2,000 columns (CSV) |" in (tmp_path / "import.md").read_text()
