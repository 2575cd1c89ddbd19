"""A benchmark, not a test: the worst chronology files uploaded three at a time to gunicorn,
with ``/healthz`` asked alongside.

    python manage.py benchmark_uploads [--scale 1] [--uploads 3] [--workers 3] [--port 8078]
                                       [--output var/benchmark/uploads.json]

Run by ``scripts/uploadtest.sh`` (``make uploadtest``), which gives it a database of its own and
the production settings. Makes a fictional review in drafting whose lead is signed in with both
factors, starts gunicorn on 127.0.0.1 with ``--workers`` sync workers, and for each file of
``benchmark_import.worst_files`` posts ``--uploads`` copies at once to the chronology import (each
with the CSRF token of its own form, as a browser would), while asking ``/healthz`` every 100 ms.
Writes each upload's status, outcome and seconds, and the worst and p95 ``/healthz`` latency while
the uploads were in flight, to ``--output`` (JSON). The target (issue 15, item 2): no upload
answers 5xx and ``/healthz`` always answers 200 within 1 s; otherwise the command fails
(CommandError) after writing its figures. Everything on loopback; every request has a timeout,
so the run is bounded (at scale 1, about a minute).
"""

import datetime
import http.client
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from cmr_portal.tooling.benchmarks import fictional_review, session_store, signed_in_session
from cmr_portal.tooling.management.commands.benchmark_import import worst_files
from reviews.models import Review

HEALTH_TARGET_SECONDS = 1.0
HEALTH_EVERY_SECONDS = 0.1
# Longer than gunicorn's own limit for a request (30 s), so that a killed worker shows as a 5xx
# or a dropped connection, not as the client giving up.
REQUEST_TIMEOUT_SECONDS = 40
STARTUP_SECONDS = 30
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_SUMMARY = re.compile(rb'class="govuk-error-message">(?:\s*<span[^>]*>[^<]*</span>)?([^<]+)<')


@dataclass
class Upload:
    """One upload's answer: its HTTP status (0 when the connection failed), what the page said
    and the seconds from the first byte sent to the last byte read."""

    status: int = 0
    outcome: str = ""
    seconds: float = 0.0


@dataclass
class Health:
    """``/healthz`` asked every 100 ms from ``start()`` until ``stop()``: each answer's moment
    (seconds on the monotonic clock), status (0 when it failed) and latency in seconds."""

    port: int
    answers: list[tuple[float, int, float]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.ask, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(REQUEST_TIMEOUT_SECONDS + 1)

    def ask(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                status = request(self.port, "GET", "/healthz")[0]
            except OSError:
                status = 0
            self.answers.append((started, status, time.monotonic() - started))
            self.stopping.wait(max(0.0, HEALTH_EVERY_SECONDS - (time.monotonic() - started)))

    def between(self, start: float, end: float) -> list[tuple[int, float]]:
        """The answers to requests sent from ``start`` until ``end``: (status, seconds)."""
        return [(status, took) for at, status, took in self.answers if start <= at <= end]


def request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes, dict[str, str]]:
    """One request to gunicorn on loopback: its status, body and the cookies it sets (name to
    value). OSError when it fails."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        cookies = dict(
            value.split(";", 1)[0].split("=", 1)
            for value in response.headers.get_all("Set-Cookie", [])
        )
        return response.status, response.read(), cookies
    finally:
        connection.close()


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def multipart(token: str, name: str, content: bytes) -> tuple[bytes, str]:
    """The import form as a browser posts it: the body and its content type."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class Command(BaseCommand):
    help = "Upload the worst chronology files at once to gunicorn, asking /healthz alongside."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="as benchmark_import's")
        parser.add_argument("--uploads", type=int, default=3, help="uploads at once")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn's sync workers")
        parser.add_argument("--port", type=int, default=8078)
        parser.add_argument("--output", default="var/benchmark/uploads.json")
        parser.add_argument(
            "--no-target",
            action="store_true",
            help="write the figures without judging them against the target (the tests' run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        try:
            request(port, "GET", "/healthz")
        except OSError:
            pass
        else:
            raise CommandError(f"Something already answers on port {port}: stop it first.")
        with transaction.atomic():
            recommendation = fictional_review(stage=Review.Stage.DRAFTING)
        review = recommendation.review
        session = signed_in_session(review.opened_by)
        log = Path(settings.BASE_DIR) / "var" / "uploadtest" / "gunicorn.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        server = subprocess.Popen(  # noqa: S603 (our own gunicorn, its arguments our own)
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "cmr_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options["workers"]),
                "--error-logfile",
                str(log),
            ],
            cwd=settings.BASE_DIR,
        )
        try:
            self.wait_for(server, port, log)
            path = reverse("reviews:import_chronology", args=[review.uuid])
            rounds = [
                self.round(port, path, session, title, name, content, options["uploads"])
                for title, (name, content, _) in worst_files(options["scale"]).items()
            ]
        finally:
            server.terminate()
            server.wait(STARTUP_SECONDS)
            session_store()(session_key=session).delete()
        self.report(rounds, options)

    def wait_for(self, server: subprocess.Popen[bytes], port: int, log: Path) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn stopped: see {log}")
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise CommandError(
            f"gunicorn did not answer /healthz within {STARTUP_SECONDS} s: see {log}"
        )

    def round(
        self, port: int, path: str, session: str, title: str, name: str, content: bytes, count: int
    ) -> dict[str, Any]:
        """``count`` uploads of one file at once, each after its own GET of the form."""
        session_cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
        forms = []
        for _ in range(count):
            status, page, cookies = request(port, "GET", path, headers={"Cookie": session_cookie})
            token = CSRF_FIELD.search(page)
            csrf = cookies.get(settings.CSRF_COOKIE_NAME)
            if status != 200 or token is None or csrf is None:
                raise CommandError(f"The import form answered {status} without a form.")
            cookie = f"{session_cookie}; {settings.CSRF_COOKIE_NAME}={csrf}"
            forms.append((cookie, *multipart(token.group(1).decode(), name, content)))
        uploads = [Upload() for _ in range(count)]

        def post(upload: Upload, cookie: str, body: bytes, content_type: str) -> None:
            headers = {
                "Cookie": cookie,
                "Content-Type": content_type,
                "Origin": f"http://127.0.0.1:{port}",
            }
            started = time.monotonic()
            try:
                upload.status, page, _ = request(port, "POST", path, body, headers)
            except OSError as error:
                upload.outcome = f"failed: {error}"
            else:
                message = ERROR_SUMMARY.search(page)
                upload.outcome = (
                    message.group(1).decode().strip()
                    if message
                    else ("queued or imported" if upload.status == 302 else "no message")
                )
            upload.seconds = round(time.monotonic() - started, 3)

        health = Health(port)
        health.start()
        time.sleep(HEALTH_EVERY_SECONDS)  # one answer at rest before the uploads
        threads = [
            threading.Thread(target=post, args=(upload, *form))
            for upload, form in zip(uploads, forms, strict=True)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ended = time.monotonic()
        health.stop()
        answers = health.between(started, ended) or health.between(0, ended)[-1:]
        latencies = [took for _, took in answers]
        return {
            "file": title,
            "bytes": len(content),
            "uploads": [upload.__dict__ for upload in uploads],
            "healthz": {
                "asked": len(answers),
                "not_200": sum(status != 200 for status, _ in answers),
                "worst_ms": round(max(latencies) * 1000),
                "p95_ms": round(p95(latencies) * 1000),
                "latencies_ms": [round(took * 1000) for took in latencies],
            },
        }

    def report(self, rounds: list[dict[str, Any]], options: dict[str, Any]) -> None:
        uploads = [upload for row in rounds for upload in row["uploads"]]
        # A page with the form's message (200) or the chronology or a progress page (302).
        failed = [u for u in uploads if u["status"] not in (200, 302)]
        latencies = [took for row in rounds for took in row["healthz"]["latencies_ms"]]
        worst = max(latencies)
        unhealthy = sum(row["healthz"]["not_200"] for row in rounds)
        passed = not failed and not unhealthy and worst < HEALTH_TARGET_SECONDS * 1000
        results = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "command": "manage.py benchmark_uploads "
            + " ".join(f"--{key} {options[key]}" for key in ("scale", "uploads", "workers")),
            "server": f"gunicorn, {options['workers']} sync workers, on 127.0.0.1",
            "production_settings": not settings.DEBUG
            and os.environ.get("PORTAL_ENV") != "development",
            "machine": {"cpus": os.cpu_count(), "system": platform.platform()},
            "target": f"no upload 5xx; /healthz 200 within {HEALTH_TARGET_SECONDS:g} s",
            "passed": passed,
            "slowest_upload_seconds": max(u["seconds"] for u in uploads),
            "healthz_worst_ms": worst,
            "healthz_p95_ms": p95(latencies),
            "rounds": rounds,
        }
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
        for row in rounds:
            answers = ", ".join(f"{u['status']} in {u['seconds']:.2f} s" for u in row["uploads"])
            self.stdout.write(
                f"{row['file']}: {answers}; /healthz worst {row['healthz']['worst_ms']} ms, "
                f"p95 {row['healthz']['p95_ms']} ms"
            )
        if not passed and not options["no_target"]:
            raise CommandError(
                f"The upload test failed: {len(failed)} uploads answered neither 200 nor 302, "
                f"{unhealthy} /healthz answers were not 200, the slowest took {worst} ms "
                f"(see {output})."
            )
        self.stdout.write(f"Passed. Written to {output}.")
