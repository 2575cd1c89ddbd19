"""Print which parts of the portal import which, as a Mermaid diagram: ``make dependencies``.

The parts are the project shell (the modules directly under ``cmr_portal``), the shared kernel
(``cmr_portal.kernel``), the tooling (``cmr_portal.tooling``) and the three domain apps. An arrow
from A to B means that some module of A imports some module of B (grimp reads the source; imports
made only for type checking are left out, as for the import contracts). docs/architecture.md
carries the output, and tests/test_dependencies.py fails when the two differ.
"""

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom, as the import contracts of pyproject.toml order them: (node, package, label).
PARTS = [
    ("tooling", "cmr_portal.tooling", "cmr_portal.tooling: demo and scale data, benchmarks"),
    ("shell", "cmr_portal", "cmr_portal: settings, URLs, Celery app, sign-in, health"),
    ("reviews", "reviews", "reviews"),
    ("referrals", "referrals", "referrals"),
    ("panels", "panels", "panels"),
    ("kernel", "cmr_portal.kernel", "cmr_portal.kernel: audit, documents, notifications..."),
]


def part_of(module: str) -> str:
    """The node of the part a module belongs to (the most specific package that holds it)."""
    holders = [
        (len(package), node)
        for node, package, _ in PARTS
        if module == package or module.startswith(f"{package}.")
    ]
    return max(holders)[1]


def diagram() -> str:
    """The Mermaid flowchart of the parts and the imports between them, one line per node or
    arrow, in the order of PARTS (so the same code always prints the same text)."""
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(
        "cmr_portal",
        "panels",
        "referrals",
        "reviews",
        exclude_type_checking_imports=True,
        cache_dir=None,
    )
    arrows: set[tuple[str, str]] = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            importer_part, imported_part = part_of(module), part_of(imported)
            if importer_part != imported_part:
                arrows.add((importer_part, imported_part))
    order = [node for node, _, _ in PARTS]
    lines = ["flowchart TD"]
    lines += [f'    {node}["{label}"]' for node, _, label in PARTS]
    lines += [
        f"    {importer} --> {imported}"
        for importer, imported in sorted(
            arrows, key=lambda a: (order.index(a[0]), order.index(a[1]))
        )
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(diagram())
