"""A query the ORM compiles once per process and every request runs again with its own value.

Building a query set and compiling it to SQL costs the ORM CPU every time: for the signed-in
person read with their roles and unread notifications on every request, 3.1 ms of the 3.9 ms
that reading them took, against 0.2 ms for the database to answer (issue 18, measured with
cProfile at scale 0.02). The SQL is the same every time but for one value: compile it once, with a
marker where the value goes, and run that SQL through ``Model.objects.raw``, which reads the rows
into model instances as the query set would (annotations become attributes; the database's
converters apply). The SQL stays the ORM's: nothing here is written by hand.
"""

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, models
from django.db.models.query import RawQuerySet

M = TypeVar("M", bound=models.Model)

# Stands for an integer value while the query set is compiled: no id or count will be it, and
# it fits a 32-bit column (the ORM compiles a value out of a column's range to no query at all).
MARKER = -2_147_480_001


class PreparedQuery(Generic[M]):
    """``build(*markers)`` compiled once for each database, then run with any values.

    ``build`` takes as many values as ``markers`` and returns a query set of ``model`` that uses
    each exactly once as a parameter (a primary key, a session key, a time) and reads no clock
    or other state of its own: what it reads at build time is fixed in the SQL for the life of
    the process. ``markers`` are values no real call will pass (by default one integer), each
    found among the compiled parameters by equality: integers and text compile to themselves on
    every database, a time only on PostgreSQL (SQLite's is compiled to text). Raises
    ``ValueError`` on first use when a marker is not among them exactly once.
    """

    def __init__(
        self,
        model: type[M],
        build: Callable[..., models.QuerySet[M]],
        markers: Sequence[Any] = (MARKER,),
    ) -> None:
        self.model = model
        self.build = build
        self.markers = tuple(markers)
        self._compiled: dict[str, tuple[str, list[Any], list[int]]] = {}

    def compiled(self, using: str) -> tuple[str, list[Any], list[int]]:
        """The SQL for the database alias ``using``, its parameters, and where each value goes."""
        key = f"{using}:{connections[using].vendor}"
        if key not in self._compiled:
            sql, params = self.build(*self.markers).query.get_compiler(using).as_sql()
            params = list(params)
            if any(params.count(marker) != 1 for marker in self.markers):
                raise ValueError("The query must use each value exactly once as a parameter.")
            self._compiled[key] = (sql, params, [params.index(m) for m in self.markers])
        return self._compiled[key]

    def all(self, *values: Any, using: str = "default") -> RawQuerySet[M]:
        """The rows the query set built with ``values`` would give, as model instances."""
        sql, params, places = self.compiled(using)
        filled = list(params)
        for place, value in zip(places, values, strict=True):
            filled[place] = value
        return self.model._default_manager.db_manager(using).raw(sql, filled)

    def first(self, *values: Any, using: str = "default") -> M | None:
        """The first row the query set built with ``values`` would give, or None."""
        return next(iter(self.all(*values, using=using)), None)
