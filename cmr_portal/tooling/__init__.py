"""Tooling around the product, outside its runtime path: the fictional demo data that ``make run``
loads, the national-scale data, the benchmarks and the load and upload tests, and the management
commands that run them. It imports the product; nothing of the product imports it (the import
contracts in pyproject.toml)."""
