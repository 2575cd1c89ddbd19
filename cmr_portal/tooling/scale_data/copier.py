"""Rows written with PostgreSQL's COPY, in batches, with ids chosen before they are written."""

import datetime
import io
import json
import time
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection, models

# Rows sent to PostgreSQL in one COPY.
BATCH = 50_000


class Copier:
    """Writes rows into a model's table with COPY, in batches, counting rows and seconds.

    ``timings`` maps each table's name to ``{"rows": int, "seconds": float}``, added up over the
    calls for that table.
    """

    def __init__(self) -> None:
        self.timings: dict[str, dict[str, float]] = {}

    @staticmethod
    def _text(value: object) -> str:
        if value is None:
            return r"\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, dict | list):
            value = json.dumps(value)
        text = str(value)
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")

    def copy(
        self, model: type[models.Model], fields: str, rows: Iterable[Sequence[object]]
    ) -> None:
        """COPY ``rows`` of ``fields`` (names separated by spaces) into the model's table; the
        other columns that may not be empty take the field's default, as the ORM gives them."""
        named = [
            cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in fields.split()
        ]
        others = [
            field
            for field in model._meta.concrete_fields
            if field not in named and not field.primary_key and not field.null
        ]
        # A default such as uuid4 is made afresh for each row; a constant one once.
        fresh = [field for field in others if callable(field.default)]
        constant = [field for field in others if field not in fresh]
        fixed = "".join(f"\t{self._text(field.get_default())}" for field in constant)
        table = model._meta.db_table
        columns = ", ".join(field.column for field in named + constant + fresh)
        started = time.perf_counter()
        count = 0
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            for row in rows:
                buffer.write("\t".join(map(self._text, row)))
                buffer.write(fixed)
                for field in fresh:
                    buffer.write(f"\t{self._text(field.get_default())}")
                buffer.write("\n")
                count += 1
                if count % BATCH == 0:
                    self._flush(cursor, table, columns, buffer)
                    buffer = io.StringIO()
            self._flush(cursor, table, columns, buffer)
        entry = self.timings.setdefault(table, {"rows": 0, "seconds": 0.0})
        entry["rows"] += count
        entry["seconds"] = round(entry["seconds"] + time.perf_counter() - started, 2)

    @staticmethod
    def _flush(cursor: Any, table: str, columns: str, buffer: io.StringIO) -> None:
        buffer.seek(0)
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def first_id(model: type[models.Model]) -> int:
    """The id after the highest in the table: the rows written here take ids from it on."""
    last = model._default_manager.aggregate(last=models.Max("id"))["last"]
    return (last or 0) + 1
