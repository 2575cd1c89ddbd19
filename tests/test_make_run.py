"""`make run` for a newcomer: scripts/run-dev.sh started as `make run` starts it, on a free port
and a var/ of its own (SQLite, the filesystem broker, emails as files), then stopped with Ctrl-C.

The script runs in a session of its own, and Ctrl-C is SIGINT to its process group, as a terminal
sends it. Every wait is bounded; the bounds are generous for a loaded machine and say nothing of
speed.
"""

import http.cookiejar
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from panels.security import DEMO_EMAIL_DOMAIN

SCRIPT = settings.BASE_DIR / "scripts" / "run-dev.sh"
START_SECONDS = 240
STOP_SECONDS = 60
EMAIL_SECONDS = 60
# What a terminal must never show: a traceback, a log record or message of an error, bash's report
# of a job it killed.
ERROR_LINE = re.compile(r"Traceback|\bERROR\b|\berror\b|Error:|Exception|Terminated|Killed", re.I)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def session_processes(session: int) -> list[int]:
    """The ids of the processes still alive in ``session`` (zombies are gone already)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # After the command's name: state, parent, group, session.
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


@dataclass
class Run:
    """scripts/run-dev.sh running: its process, its output so far, its port and var/."""

    process: subprocess.Popen[str]
    var: Path
    port: int
    lines: list[str] = field(default_factory=list)
    _queue: "queue.Queue[str | None]" = field(default_factory=queue.Queue)

    def start_reading(self) -> None:
        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self._queue.put(line.rstrip("\n"))
            self._queue.put(None)

        threading.Thread(target=read, daemon=True).start()

    def read_until(self, prefix: str, seconds: float) -> None:
        """Collect output until a line starts with ``prefix``; fail on the script's end or time."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail("run-dev.sh ended early:\n" + self.output)
            self.lines.append(line)
            if line.startswith(prefix):
                return
        pytest.fail(f"No line starting {prefix!r} within {seconds} s:\n" + self.output)

    def read_to_end(self) -> None:
        while (line := self._queue.get(timeout=STOP_SECONDS)) is not None:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def start(var: Path, port: str) -> Run:
    """run-dev.sh with this var/ and port, none of the tests' own database, broker or mail."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "SITE_URL"}
    }
    env |= {"PORT": port, "VAR_DIR": str(var)}
    # As from a terminal, Ctrl-C is not ignored on entry, however these tests were started: a
    # shell running them in the background ignores SIGINT and its children inherit that, and a
    # shell cannot trap a signal ignored on entry. A handled signal is reset to its default in
    # the child.
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [str(SCRIPT)],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    finally:
        signal.signal(signal.SIGINT, ignored)
    run = Run(process, var, int(port) if port.isdigit() else 0)
    run.start_reading()
    return run


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    """The demo started on a free port; whatever it leaves running is ended afterwards."""
    started = start(tmp_path / "var", str(free_port()))
    try:
        yield started
    finally:
        for pid in session_processes(started.process.pid):
            os.kill(pid, signal.SIGKILL)
        started.process.wait(timeout=STOP_SECONDS)


def form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "The page has no form"
    return match.group(1)


def post_form(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> str:
    """Open the page at ``url`` and post its form with ``fields``, as a browser would."""
    page = opener.open(url, timeout=30).read().decode()
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": form_token(page), **fields}).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310 (http only)
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
        return str(response.read().decode())


def address(run: Run) -> str:
    return f"http://127.0.0.1:{run.port}/"


def browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def test_make_run_prints_a_working_address_and_sign_ins_last_and_stops_on_ctrl_c(
    run: Run,
) -> None:
    run.read_until("Press Ctrl-C", START_SECONDS)
    block = run.lines[run.lines.index("The demo portal is running at " + address(run)) :]
    assert f"  belfast.member@{DEMO_EMAIL_DOMAIN}" in "\n".join(block)
    assert f"password {settings.DEMO_PASSWORD}:" in "\n".join(block)
    assert f"Emails the portal sends are written to files in {run.var}/emails/." in block
    assert f"The Celery worker and beat log to {run.var}/log/celery.log." in block
    # Nothing of the worker's on the terminal: its banner and records are in its log.
    assert "celery@" not in run.output
    assert "celery@" in (run.var / "log" / "celery.log").read_text()

    with browser().open(address(run), timeout=30) as response:
        assert response.status == 200
        assert response.url.startswith(address(run) + "sign-in/")

    signed_in = post_form(
        browser(),
        address(run) + "sign-in/",
        {"username": f"belfast.member@{DEMO_EMAIL_DOMAIN}", "password": settings.DEMO_PASSWORD},
    )
    assert "Sign out" in signed_in

    post_form(
        browser(),
        address(run) + "password-reset/",
        {"email": f"belfast.member@{DEMO_EMAIL_DOMAIN}"},
    )
    link = address(run) + "password-reset/"
    deadline = time.monotonic() + EMAIL_SECONDS
    while not any(link in email.read_text() for email in (run.var / "emails").glob("*.log")):
        assert time.monotonic() < deadline, f"No email with {link} in {run.var}/emails"
        time.sleep(0.5)

    os.killpg(run.process.pid, signal.SIGINT)
    assert run.process.wait(timeout=STOP_SECONDS) == 0
    run.read_to_end()
    assert run.lines[-1] == "Stopped."
    assert not [line for line in run.lines if ERROR_LINE.search(line)], run.output
    assert session_processes(run.process.pid) == []
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", run.port), timeout=5),
    ):
        pass
    log = (run.var / "log" / "celery.log").read_text()
    assert "Traceback" not in log
    assert "ERROR/" not in log


def test_a_port_in_use_is_named_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = start(tmp_path / "var", str(port))
        assert refused.process.wait(timeout=STOP_SECONDS) == 1
    refused.read_to_end()
    assert refused.output == (
        f"Something is already serving on port {port}. "
        "Stop it, or choose another: PORT=8010 make run"
    )
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize("port", ["eighty", "80", "70000", "8000 "])
def test_a_port_that_cannot_be_used_is_refused_plainly(tmp_path: Path, port: str) -> None:
    refused = start(tmp_path / "var", port)
    assert refused.process.wait(timeout=STOP_SECONDS) == 2
    refused.read_to_end()
    assert refused.output == (
        f"PORT must be a number from 1024 to 65535, such as PORT=8010, not '{port}'."
    )
