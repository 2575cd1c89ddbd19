"""Fictional national-scale data for the benchmarks: the UK's case reviews over ten years.

Everything here is invented: the names are drawn from short lists, every organisation says it is
fictional, every email address ends in ``@scale-data.invalid``, and every text says "Fictional".
The rows are written with PostgreSQL's COPY, ids chosen here so that the rows can point at each
other without reading them back; the id sequences are moved past them at the end.

By concern: ``copier`` (COPY and ids), ``base`` (the volumes, word lists and the ``State`` the
parts share), then one module per part in the order ``generator`` runs them: ``people``,
``referrals``, ``meetings``, ``reviews``, ``findings``, ``trail`` (notifications and audit).
"""

from cmr_portal.tooling.scale_data.generator import Generator

__all__ = ["Generator"]
