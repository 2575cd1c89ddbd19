"""Repeated failures lock an email address out, with a page that reveals nothing."""

from django.test import Client

from panels.models import User
from tests.factories import TEST_PASSWORD


def attempt(client: Client, email: str, password: str) -> int:
    return client.post("/sign-in/", {"username": email, "password": password}).status_code


def test_five_failures_lock_the_account_even_with_the_right_password(
    client: Client, user: User
) -> None:
    for _ in range(5):
        assert attempt(client, user.email, "wrong-password") in (200, 429)
    response = client.post("/sign-in/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.text
    assert "30 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_the_same_for_an_address_with_no_account(
    client: Client, user: User
) -> None:
    for email in (user.email, "nobody@test.example.org"):
        for _ in range(5):
            attempt(client, email, "wrong-password")
    known = client.post("/sign-in/", {"username": user.email, "password": "x"})
    unknown = client.post("/sign-in/", {"username": "nobody@test.example.org", "password": "x"})
    assert known.status_code == unknown.status_code == 429
    assert known.text.replace(user.email, "") == unknown.text.replace("nobody@test.example.org", "")


def test_case_does_not_give_an_attacker_more_tries(client: Client, user: User) -> None:
    for email in (user.email.upper(), user.email, user.email.title(), user.email, user.email):
        attempt(client, email, "wrong-password")
    assert attempt(client, user.email, TEST_PASSWORD) == 429


def test_other_addresses_are_not_locked_out(client: Client, user: User) -> None:
    for _ in range(5):
        attempt(client, "someone.else@test.example.org", "wrong-password")
    assert attempt(client, user.email, TEST_PASSWORD) == 302


def test_a_success_before_the_limit_resets_the_count(client: Client, user: User) -> None:
    for _ in range(4):
        attempt(client, user.email, "wrong-password")
    assert attempt(client, user.email, TEST_PASSWORD) == 302
    client.logout()
    for _ in range(4):
        attempt(client, user.email, "wrong-password")
    assert attempt(client, user.email, TEST_PASSWORD) == 302
