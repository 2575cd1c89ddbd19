"""Signing in and out, password reset, and the error pages. Who may see what: test_access.py."""

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.views import server_error
from panels.models import User
from tests.conftest import sign_in, wait_for_emails
from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_the_admin_login_page_redirects_to_the_one_sign_in_page(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/admin/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/sign-in/", "/password-reset/", "/password-reset/sent/", "/password-reset/complete/"]
)
def test_sign_in_pages_are_open_and_marked(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert b"OFFICIAL-SENSITIVE" in response.content
    assert b"Case Management Review portal" in response.content


def test_a_user_signs_in_with_email_and_password_and_is_audited(client: Client, user: User) -> None:
    response = client.post(
        "/sign-in/?next=/", {"username": user.email.upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    event = AuditEvent.objects.get(action="user.signed_in")
    assert event.actor == user


def test_a_wrong_password_keeps_the_email_and_says_nothing_about_the_account(
    client: Client, user: User
) -> None:
    wrong = client.post("/sign-in/", {"username": user.email, "password": "not-the-password"})
    missing = client.post(
        "/sign-in/", {"username": "nobody@test.example.org", "password": "not-the-password"}
    )
    for response, email in ((wrong, user.email), (missing, "nobody@test.example.org")):
        assert response.status_code == 200
        assert "Enter a correct email address and password." in response.text
        assert f'value="{email}"' in response.text
        assert "There is a problem" in response.text


def test_an_empty_form_says_what_to_enter(client: Client, db: None) -> None:
    response = client.post("/sign-in/", {"username": "", "password": ""})
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text
    assert response.context["form"].errors


def test_sign_out_ends_the_session(client: Client, user: User) -> None:
    sign_in(client, user)
    assert client.get("/").status_code == 200
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/").status_code == 302


# The link leaves from a worker, after the answer: the worker must see the committed account.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("worker")
def test_a_password_reset_sends_a_link_only_to_a_known_address(client: Client, user: User) -> None:
    for email in ("nobody@test.example.org", user.email):
        response = client.post("/password-reset/", {"email": email})
        assert response.status_code == 302
        assert response["Location"] == "/password-reset/sent/"
        # Nothing is sent while the request is answered, for a known address or not.
        assert mail.outbox == []
    wait_for_emails(1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/password-reset/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("worker")
def test_someone_invited_who_never_chose_a_password_can_ask_for_a_link(client: Client) -> None:
    invited = User.objects.create_user("invited@test.example.org", None, full_name="Invited")
    assert not invited.has_usable_password()
    client.post("/password-reset/", {"email": "Invited@Test.Example.org"})
    wait_for_emails(1)
    assert [message.to for message in mail.outbox] == [["invited@test.example.org"]]


@pytest.mark.django_db
def test_a_missing_page_is_a_styled_404(client: Client, user: User) -> None:
    sign_in(client, user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "OFFICIAL-SENSITIVE" in response.text


def test_the_server_error_page_is_styled_and_marked(rf: RequestFactory) -> None:
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "OFFICIAL-SENSITIVE" in page
