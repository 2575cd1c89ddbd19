"""The shared kernel: what every domain app uses and none of them owns.

The audit trail (``audit``), documents (``documents``), notifications, deadlines and reminders
(``notifications``), working days, PDF rendering, pagination, the form helpers and the date
input, the client's address, and the request middleware. It imports no domain app (``panels``,
``referrals``, ``reviews``) and nothing of the project shell: the import contracts in
pyproject.toml say so, and ``make test`` checks them. Domain apps call it; where it must reach
them (a deadline, say), they register with it.
"""
