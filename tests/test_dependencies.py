"""docs/architecture.md shows the dependencies that ``make dependencies`` prints today."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)


def test_the_architecture_page_shows_the_dependencies_of_the_code() -> None:
    printed = subprocess.run(
        [sys.executable, "scripts/dependencies.py"],
        cwd=BASE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    page = (BASE / "docs" / "architecture.md").read_text()
    drawn = re.search(r"<!-- make dependencies -->\n```mermaid\n(.*?)```\n", page, re.DOTALL)
    assert drawn, "docs/architecture.md has lost its <!-- make dependencies --> diagram"
    assert drawn.group(1) == printed, (
        "The imports have changed: paste the output of `make dependencies` into "
        "docs/architecture.md and say there what the change means."
    )
