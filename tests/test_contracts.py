"""The import contracts of pyproject.toml catch what they promise to catch.

``make test`` runs ``lint-imports`` on the code as it is. These tests show that the contracts
would fail it: each takes the real import graph (built by grimp, import-linter's own library),
adds one import that breaks a layer or closes a cycle, and runs import-linter exactly as
``lint-imports`` does, with the graph supplied through its ``GRAPH_BUILDER`` setting (as
import-linter's own tests do). Nothing is written into the source tree. They also check that no
module or app escapes the contracts: a new module of the shell or a new domain app must be named
in them.
"""

import copy
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grimp
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from importlinter.application import output, use_cases
from importlinter.application.app_config import settings
from importlinter.application.ports.building import GraphBuilder
from importlinter.configuration import configure

PYPROJECT = Path(django_settings.BASE_DIR) / "pyproject.toml"
OPTIONS: dict[str, Any] = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
CONTRACTS: dict[str, str] = {contract["id"]: contract["name"] for contract in OPTIONS["contracts"]}


class SuppliedGraph(GraphBuilder):
    """Hands import-linter a graph built beforehand instead of reading the source tree."""

    def __init__(self, graph: grimp.ImportGraph) -> None:
        self.graph = graph

    def build(
        self,
        root_package_names: list[str],
        cache_dir: str | None,
        include_external_packages: bool = False,
        exclude_type_checking_imports: bool = False,
    ) -> grimp.ImportGraph:
        return self.graph


@pytest.fixture(scope="module")
def real_graph() -> grimp.ImportGraph:
    """The project's import graph, built as lint-imports builds it (without its cache)."""
    return grimp.build_graph(
        *OPTIONS["root_packages"],
        include_external_packages=OPTIONS["include_external_packages"],
        exclude_type_checking_imports=OPTIONS["exclude_type_checking_imports"],
        cache_dir=None,
    )


@dataclass
class Result:
    """What lint-imports answered: passed or not, and its report."""

    passed: bool
    text: str  # what lint-imports prints, on one line

    def broken(self) -> set[str]:
        """The ids of the contracts the report says are broken."""
        return {id for id, name in CONTRACTS.items() if f"{name} BROKEN" in self.text}

    def kept(self) -> set[str]:
        """The ids of the contracts the report says are kept."""
        return {id for id, name in CONTRACTS.items() if f"{name} KEPT" in self.text}


Lint = Callable[..., Result]


@pytest.fixture
def lint(real_graph: grimp.ImportGraph) -> Iterator[Lint]:
    """Run lint-imports on the real graph with some imports added: ``lint(("a.b", "c.d"), ...)``."""
    configure()
    builder = settings.GRAPH_BUILDER

    def run(*imports: tuple[str, str]) -> Result:
        graph = copy.deepcopy(real_graph)
        for importer, imported in imports:
            assert {importer, imported} <= graph.modules, f"{importer} or {imported} has moved"
            graph.add_import(
                importer=importer,
                imported=imported,
                line_number=1,
                line_contents=f"import {imported}",
            )
        settings.configure(GRAPH_BUILDER=SuppliedGraph(graph))
        with output.console.capture() as captured:
            passed = use_cases.lint_imports(
                config_filename=str(PYPROJECT), cache_dir=None, no_logo=True, is_debug_mode=True
            )
        return Result(passed, " ".join(captured.get().split()))

    yield run
    settings.configure(GRAPH_BUILDER=builder)


def test_the_code_keeps_every_contract(lint: Lint) -> None:
    result = lint()
    assert result.passed
    assert result.kept() == set(CONTRACTS)
    assert result.broken() == set()


def test_the_contracts_are_the_ones_these_tests_break() -> None:
    assert set(CONTRACTS) == {
        "layers",
        "kernel",
        "tooling",
        "no-foreign-views",
        "app-layers",
        "acyclic",
    }


def assert_existing(graph: grimp.ImportGraph, importer: str, imported: str) -> None:
    """A test's premise: this import is in the code today (else choose another pair)."""
    assert graph.direct_import_exists(importer=importer, imported=imported), (
        f"{importer} no longer imports {imported}: pick another pair for this test"
    )


@pytest.mark.parametrize(
    ("importer", "imported", "broken"),
    [
        # The kernel reaching up into a domain app.
        ("cmr_portal.kernel.audit.services", "reviews.models", {"layers", "kernel"}),
        ("cmr_portal.kernel.notifications.reminders", "panels.access", {"layers", "kernel"}),
        # A lower domain app reaching up into a higher one.
        ("panels.models", "referrals.models", {"layers"}),
        ("referrals.services", "reviews.services", {"layers"}),
        # Product code importing the tooling.
        ("reviews.services", "cmr_portal.tooling.demo", {"tooling"}),
        ("panels.forms", "cmr_portal.tooling.demo", {"layers", "tooling"}),
        ("cmr_portal.kernel.pdf", "cmr_portal.tooling.benchmarks", {"layers", "kernel", "tooling"}),
        # A domain app importing the project shell.
        ("referrals.models", "cmr_portal.celery", {"layers"}),
        # One app's views, URLs or admin imported by another.
        ("reviews.views", "referrals.views", {"no-foreign-views"}),
        ("reviews.forms", "panels.admin", {"no-foreign-views"}),
        ("reviews.services", "referrals.urls", {"no-foreign-views"}),
        # Inside an app, a lower module importing a higher one (which also forms a cycle).
        ("reviews.models", "reviews.services", {"app-layers", "acyclic"}),
        ("panels.forms", "panels.views", {"app-layers", "acyclic"}),
    ],
)
def test_an_import_that_breaks_a_layer_is_reported(
    lint: Lint, importer: str, imported: str, broken: set[str]
) -> None:
    result = lint((importer, imported))
    assert not result.passed
    assert result.broken() == broken
    assert result.kept() == set(CONTRACTS) - broken
    assert f"{importer} -> {imported} (l.1)" in result.text


@pytest.mark.parametrize(
    ("existing", "closing"),
    [
        # Two modules of reviews: documents imports anonymise; anonymise importing documents.
        (("reviews.documents", "reviews.anonymise"), ("reviews.anonymise", "reviews.documents")),
        # The cycle issue 16 broke in notifications: tasks -> reminders -> services, and
        # services importing tasks again.
        (
            ("cmr_portal.kernel.notifications.tasks", "cmr_portal.kernel.notifications.reminders"),
            ("cmr_portal.kernel.notifications.services", "cmr_portal.kernel.notifications.tasks"),
        ),
        # Between two parts of the kernel: notifications record audit events.
        (
            ("cmr_portal.kernel.notifications.services", "cmr_portal.kernel.audit.services"),
            ("cmr_portal.kernel.audit.models", "cmr_portal.kernel.notifications.models"),
        ),
    ],
)
def test_an_import_that_forms_a_cycle_is_reported(
    lint: Lint,
    real_graph: grimp.ImportGraph,
    existing: tuple[str, str],
    closing: tuple[str, str],
) -> None:
    assert_existing(real_graph, *existing)
    result = lint(closing)
    assert not result.passed
    assert result.broken() == {"acyclic"}
    assert "No cycles between the modules of a package BROKEN" in result.text


def test_every_module_of_the_shell_is_in_its_layer(real_graph: grimp.ImportGraph) -> None:
    """A new module directly under cmr_portal is the shell's, and must be named in its layer
    (or it would escape the layers and the tooling contract); the kernel and tooling are apart."""
    contracts = {contract["id"]: contract for contract in OPTIONS["contracts"]}
    shell = set(contracts["layers"]["layers"][0].split(" : "))
    children = real_graph.find_children("cmr_portal") - {"cmr_portal.kernel", "cmr_portal.tooling"}
    assert shell == children
    product = set(contracts["tooling"]["source_modules"])
    assert product == children | {"cmr_portal.kernel", "panels", "referrals", "reviews"}


def test_every_app_of_the_project_is_under_the_contracts() -> None:
    """A new domain app must take its place in the layers, inside-app order and cycle check."""
    contracts = {contract["id"]: contract for contract in OPTIONS["contracts"]}
    base = Path(django_settings.BASE_DIR)
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base) and ".venv" not in Path(config.path).parts
    }
    assert ours <= set(OPTIONS["root_packages"])
    domain = ours - {"cmr_portal"}
    assert domain <= set(contracts["layers"]["layers"])
    assert domain == set(contracts["app-layers"]["containers"])
    assert domain <= set(contracts["acyclic"]["ancestors"])
