"""`manage.py loadtest_sessions` signs fictional people in with both factors for the load test,
and writes only pages that answer them 200."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cmr_portal.tooling.demo import load_demo_data
from cmr_portal.tooling.management.commands import loadtest_sessions
from panels.models import SbniRole, User


@pytest.fixture
def demo(db: None) -> None:
    load_demo_data()


def rows(output: Path) -> list[list[str]]:
    text = output.read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if not line.startswith("#")]


def client_of(session_key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def test_each_session_sees_its_pages(demo: None, tmp_path: Path) -> None:
    output = tmp_path / "sessions.tsv"
    call_command("loadtest_sessions", users=5, output=str(output))
    lines = rows(output)
    assert output.stat().st_mode & 0o777 == 0o600
    assert f"# cookie\t{settings.SESSION_COOKIE_NAME}\n" in output.read_text(encoding="utf-8")
    kinds = {session: kind for kind, _, session, _ in lines}
    assert sorted(kinds.values()) == ["lead", "panel", "panel", "panel", "sbni"]
    assert len({person for _, person, _, _ in lines}) == 5
    paths = {(kind, path) for kind, _, _, path in lines}
    assert ("sbni", reverse("referrals:queue")) in paths
    assert ("panel", reverse("referrals:list") + "?status=submitted") in paths
    assert any(kind == "lead" and "/findings/" in path for kind, path in paths)
    centre = reverse("notifications:centre")
    assert {session for _, _, session, path in lines if path == centre} == set(kinds)
    for _, _, session, path in lines:
        assert client_of(session).get(path).status_code == 200
    # The people in turn: the first line of every session before the second of any.
    assert len({session for _, _, session, _ in lines[:5]}) == 5


def test_too_few_people_of_a_kind_is_a_clear_error(demo: None, tmp_path: Path) -> None:
    output = tmp_path / "sessions.tsv"
    sessions = Session.objects.count()
    with pytest.raises(CommandError, match="need 10 SBNI staff, and this database has 4"):
        call_command("loadtest_sessions", users=50, output=str(output))
    assert not output.exists()
    assert Session.objects.count() == sessions


def test_reuse_signs_people_in_more_than_once(demo: None, tmp_path: Path) -> None:
    output = tmp_path / "sessions.tsv"
    call_command("loadtest_sessions", users=30, reuse_users=True, output=str(output))
    lines = rows(output)
    assert len({session for _, _, session, _ in lines}) == 30
    assert len({person for _, person, _, _ in lines}) < 30


def test_only_people_at_reserved_domains_are_signed_in(demo: None, tmp_path: Path) -> None:
    officer = User.objects.filter(groups__name=SbniRole.SBNI_OFFICER).get()
    officer.email = "officer@made-up-board.org.uk"
    officer.save(update_fields=["email"])
    with pytest.raises(CommandError, match="need 4 SBNI staff, and this database has 3"):
        call_command("loadtest_sessions", users=20, output=str(tmp_path / "sessions.tsv"))


def test_a_page_that_is_not_200_stops_everything(
    demo: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = loadtest_sessions.lead_reviewers

    def leads_with_a_missing_review(
        wanted: int, taken: set[int]
    ) -> list[loadtest_sessions.Visitor]:
        visitors = found(wanted, taken)
        visitors[0].paths.append(reverse("reviews:review", args=[uuid.uuid4()]))
        return visitors

    monkeypatch.setattr(loadtest_sessions, "lead_reviewers", leads_with_a_missing_review)
    output = tmp_path / "sessions.tsv"
    sessions = Session.objects.count()
    with pytest.raises(CommandError, match="answered 404, not 200"):
        call_command("loadtest_sessions", users=5, output=str(output))
    assert not output.exists()
    assert Session.objects.count() == sessions


def test_sign_out_ends_the_sessions(demo: None, tmp_path: Path) -> None:
    output = tmp_path / "sessions.tsv"
    call_command("loadtest_sessions", users=3, output=str(output))
    session, path = rows(output)[0][2:]
    assert client_of(session).get(path).status_code == 200
    call_command("loadtest_sessions", sign_out=True, output=str(output))
    assert not output.exists()
    response = client_of(session).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
