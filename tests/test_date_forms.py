"""Every form with a date, posted the dates people and hostile clients type.

The forms are found by walking the project's modules, so a new form with a date input fails
``test_every_form_with_a_date_is_tried_here`` until it has a case below. Each case is the page
as a persona allowed to use it fills it in (fictional values); each date in turn then gets an
overflowing day, an overflowing month, a NUL byte and an implausible year. The page answers 200
with the GOV.UK message and keeps everything else that was typed.
"""

import datetime
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils.html import escape

from cmr_portal.kernel.forms import GovukDateField
from panels.models import Agency
from referrals import services
from referrals.consideration_forms import MeetingForm
from referrals.forms import (
    AgencyInvolvementForm,
    ChildForm,
    EventDateFilterForm,
    EventForm,
    InformationRequestForm,
    LegalStatusForm,
    SiblingForm,
)
from referrals.models import Referral
from referrals.notice_forms import LetterSentForm, NoticeForm
from referrals.proceeding_forms import ProceedingForm
from reviews import family
from reviews.forms import (
    ActionForm,
    AgencyReportForm,
    ChronologyEntryForm,
    ExtensionRequestForm,
    FamilyContactForm,
    TermsForm,
)
from reviews.models import FamilyMember, Review
from tests.conftest import Personas, sign_in
from tests.referrals import flow
from tests.reviews import flow as review_flow

TODAY = review_flow.TODAY
DAY = datetime.timedelta(days=1)
PROJECT_PACKAGES = ("cmr_portal", "panels", "referrals", "reviews")


def project_forms() -> Iterator[type[forms.BaseForm]]:
    """Every form class defined in the project's own modules (migrations aside)."""
    for package in PROJECT_PACKAGES:
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" not in module.name and not module.name.endswith(".asgi"):
                importlib.import_module(module.name)
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_PACKAGES:
            yield cls


def fields_of(form: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """The fields a form class declares (its metaclass gives every form ``base_fields``)."""
    fields: dict[str, forms.Field] = getattr(form, "base_fields", {})
    return fields


def date_names(form: type[forms.BaseForm]) -> list[str]:
    return [name for name, field in fields_of(form).items() if isinstance(field, GovukDateField)]


@dataclass(frozen=True)
class Case:
    """A page with a date form: who fills it in, where (made from the personas), what they type
    besides the dates, and a valid date for each date the page shows."""

    form: type[forms.BaseForm]
    persona: str
    page: Callable[[Personas], tuple[str, dict[str, Any]]]
    dates: dict[str, datetime.date]
    method: str = "post"

    @property
    def id(self) -> str:
        return f"{self.form.__name__}-{'-'.join(self.dates)}"


def draft_page(
    rest: str, typed: dict[str, Any]
) -> Callable[[Personas], tuple[str, dict[str, Any]]]:
    def build(people: Personas) -> tuple[str, dict[str, Any]]:
        referral = services.create_referral(people.belfast, by=people.belfast_member)
        return f"/referrals/{referral.uuid}/{rest}", typed

    return build


def psni() -> int:
    return Agency.objects.get(short_name="PSNI").pk


def involvement(people: Personas) -> tuple[str, dict[str, Any]]:
    url, _ = draft_page("agencies/", {})(people)
    return url, {"agency": psni(), "nature": "Called to the home (fictional)"}


def question(people: Personas) -> tuple[str, dict[str, Any]]:
    referral: Referral = flow.acknowledged(people)
    return f"/referrals/{referral.uuid}/ask/", {
        "question": "Fictional: what did the school know?",
        "seen": referral.status,
    }


def new_meeting(people: Personas) -> tuple[str, dict[str, Any]]:
    return "/referrals/meetings/new/", {"place": "Room 2, Linum Chambers (fictional)"}


def meeting_edit(people: Personas) -> tuple[str, dict[str, Any]]:
    meeting = flow.meeting_today(people)
    return f"/referrals/meetings/{meeting.uuid}/edit/", {"place": "Room 3 (fictional)"}


def referral_list(people: Personas) -> tuple[str, dict[str, Any]]:
    return "/referrals/", {"q": "BEL", "status": "draft"}


def review_page(
    rest: str, typed: Callable[[Personas, Review], dict[str, Any]]
) -> Callable[[Personas], tuple[str, dict[str, Any]]]:
    def build(people: Personas) -> tuple[str, dict[str, Any]]:
        review = review_flow.drafted(people)
        recommendation = review.recommendations.get()
        path = rest.format(recommendation=recommendation.uuid)
        return f"/reviews/{review.uuid}/{path}", typed(people, review)

    return build


def terms(people: Personas, review: Review) -> dict[str, Any]:
    return {
        "lines_of_enquiry": "Fictional: how did agencies share what they knew?",
        "purposes": ["facts", "learning"],
        "agencies": [psni()],
    }


def report_request(people: Personas, review: Review) -> dict[str, Any]:
    return {
        "agency": psni(),
        "contact": people.agency_contact.pk,
        "asked": "Your report and chronology (fictional).",
    }


def entry(people: Personas, review: Review) -> dict[str, Any]:
    return {
        "agency": psni(),
        "event": "Fictional home visit.",
        "source": "Log 7 (fictional)",
        "significance": "key",
        "notes": "Fictional notes.",
    }


def action(people: Personas, review: Review) -> dict[str, Any]:
    return {
        "agency": psni(),
        "owner": "Head of public protection (fictional)",
        "description": "Fictional: a daily referral check.",
        "measure": "Fictional: every referral shared within one day.",
    }


def extension(people: Personas, review: Review) -> dict[str, Any]:
    return {"reason": "Fictional: the trial was moved to the spring."}


def family_contact(people: Personas, review: Review) -> dict[str, Any]:
    mother = family.add_family_member(
        review,
        {
            "role": FamilyMember.Role.MOTHER,
            "participation": FamilyMember.Participation.TAKING_PART,
        },
        by=people.lead_reviewer,
    )
    return {
        "by": people.lead_reviewer.pk,
        "members": [mother.pk],
        "method": "meeting",
        "purpose": "contribution",
        "shared": "Fictional: what the review is for.",
        "wishes": "Fictional: to be kept informed.",
    }


def proceeding(people: Personas) -> tuple[str, dict[str, Any]]:
    referral = flow.decided(people).referral
    return f"/referrals/{referral.uuid}/proceedings/", {
        "kind": "inquest",
        "status": "concluded",
        "outcome": "Fictional: the inquest returned its findings.",
        "next_date_what": "Fictional: the findings published",
        "constraints": "Fictional: no publication before the inquest.",
    }


def notice(people: Personas) -> tuple[str, dict[str, Any]]:
    referral = flow.decided(people).referral
    return f"/referrals/{referral.uuid}/notifications/record/", {
        "recipient": "department_of_health",
        "role": "Chief Social Work Officer (fictional)",
        "sent_by": people.sbni_officer.pk,
        "subject": "decision",
        "method": "secure_email",
    }


def letter_sent(people: Personas) -> tuple[str, dict[str, Any]]:
    referral = flow.decided(people).referral
    involved = referral.agencies.get()
    return f"/referrals/{referral.uuid}/notifications/decision/{involved.uuid}/", {
        "role": "Head of public protection (fictional)",
        "sent_by": people.sbni_officer.pk,
        "method": "letter",
    }


CASES = [
    Case(
        ChildForm,
        "belfast_member",
        draft_page(
            "child/",
            {
                "child_initials": "AB",
                "child_trust_reference": "TR-12 (fictional)",
                "child_gender": "female",
            },
        ),
        {"child_date_of_birth": TODAY - 2000 * DAY},
    ),
    Case(
        EventForm,
        "belfast_member",
        draft_page(
            "event/",
            {
                "event_type": "significant_harm",
                "event_place": "A park in Belfast (fictional)",
                "event_summary": "Fictional summary of what happened.",
            },
        ),
        {"event_date": TODAY - 20 * DAY, "agency_aware_date": TODAY - 19 * DAY},
    ),
    Case(
        LegalStatusForm,
        "belfast_member",
        draft_page(
            "legal-status/",
            {
                "child_on_register": "yes",
                "sibling_on_register": "not_known",
                "child_looked_after": "yes",
                "sibling_looked_after": "no",
            },
        ),
        {
            "child_registered_from": TODAY - 400 * DAY,
            "child_registered_to": TODAY - 300 * DAY,
            "child_looked_after_from": TODAY - 200 * DAY,
            "child_looked_after_to": TODAY - 100 * DAY,
        },
    ),
    Case(
        SiblingForm,
        "belfast_member",
        draft_page("siblings/", {"initials": "CD", "gender": "male"}),
        {"date_of_birth": TODAY - 3000 * DAY},
    ),
    Case(
        AgencyInvolvementForm,
        "belfast_member",
        involvement,
        {"involved_from": TODAY - 300 * DAY, "involved_to": TODAY - 30 * DAY},
    ),
    Case(InformationRequestForm, "sbni_officer", question, {"due_date": TODAY + 20 * DAY}),
    Case(MeetingForm, "sbni_officer", new_meeting, {"date": TODAY + 14 * DAY}),
    Case(
        MeetingForm,
        "sbni_officer",
        meeting_edit,
        {"date": TODAY + 14 * DAY, "notice_given_on": TODAY},
    ),
    Case(
        EventDateFilterForm,
        "belfast_member",
        referral_list,
        {"event_from": TODAY - 100 * DAY, "event_to": TODAY - 10 * DAY},
        method="get",
    ),
    Case(
        TermsForm,
        "lead_reviewer",
        review_page("terms/", terms),
        {
            "period_from": TODAY - 700 * DAY,
            "period_to": TODAY - 20 * DAY,
            "agreed_on": TODAY,
        },
    ),
    Case(
        AgencyReportForm,
        "lead_reviewer",
        review_page("agency-reports/", report_request),
        {"due_date": TODAY + 15 * DAY},
    ),
    Case(
        ChronologyEntryForm,
        "lead_reviewer",
        review_page("chronology/", entry),
        {"date": TODAY - 30 * DAY, "end_date": TODAY - 29 * DAY},
    ),
    Case(
        ActionForm,
        "lead_reviewer",
        review_page("recommendations/{recommendation}/actions/", action),
        {"due_date": TODAY + 60 * DAY},
    ),
    Case(
        ExtensionRequestForm,
        "lead_reviewer",
        review_page("timescale/extensions/ask/", extension),
        {"new_due": TODAY + 400 * DAY},
    ),
    Case(
        FamilyContactForm,
        "lead_reviewer",
        review_page("family/contacts/add/", family_contact),
        {"date": TODAY - 3 * DAY},
    ),
    Case(
        ProceedingForm,
        "sbni_officer",
        proceeding,
        {
            "started_on": TODAY - 100 * DAY,
            "next_date": TODAY + 30 * DAY,
            "concluded_on": TODAY - DAY,
        },
    ),
    Case(NoticeForm, "sbni_officer", notice, {"sent_on": TODAY - DAY}),
    Case(LetterSentForm, "sbni_officer", letter_sent, {"sent_on": TODAY - DAY}),
]


def test_every_form_with_a_date_is_tried_here() -> None:
    with_dates = {form for form in project_forms() if date_names(form)}
    assert with_dates == {case.form for case in CASES}
    for case in CASES:
        assert set(case.dates) <= set(date_names(case.form)), case.id
    # Every date of every form is tried by some case.
    tried = {(case.form, name) for case in CASES for name in case.dates}
    assert tried == {(form, name) for form in with_dates for name in date_names(form)}


def boxes(name: str, value: datetime.date) -> dict[str, str]:
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


def hostile(field: GovukDateField) -> list[tuple[int, str, str]]:
    """(box, value, message): an overflowing day and month, a letter, an implausible year. (A NUL
    byte never reaches a form: RequestCleaningMiddleware takes it out, and the field's own test
    shows what the field does with one.)"""
    real = f"The {field.name} must be a real date"
    first, last = field.years()
    implausible = f"The {field.name} must be between 1 January {first} and 31 December {last}"
    return [
        (0, "2147483648", real),
        (1, "100000000000000000000", real),
        (0, "1x", real),
        (2, "9999", implausible),
        (2, str(first - 1), implausible),
    ]


def chosen(body: str, value: str) -> bool:
    """Whether an option or a radio or checkbox with this value is selected."""
    tags = re.findall(r"<(?:option|input)\b[^>]*>", body)
    return any(
        f'value="{escape(value)}"' in tag and re.search(r"\b(selected|checked)\b", tag)
        for tag in tags
    )


def assert_kept(body: str, form: type[forms.BaseForm], typed: dict[str, Any]) -> None:
    for name, value in typed.items():
        field = fields_of(form).get(name)
        for item in value if isinstance(value, list) else [value]:
            if field is not None and isinstance(field.widget, forms.Select | forms.RadioSelect):
                assert chosen(body, str(item)), f"{name}={item} is not kept"
            else:
                assert escape(str(item)) in body, f"{name}={item} is not kept"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_dates_get_a_message_and_lose_nothing_typed(personas: Personas, case: Case) -> None:
    url, typed = case.page(personas)
    client = sign_in(Client(), getattr(personas, case.persona))
    valid = {
        key: value for name, day in case.dates.items() for key, value in boxes(name, day).items()
    }
    send = client.get if case.method == "get" else client.post
    for name in case.dates:
        field = fields_of(case.form)[name]
        assert isinstance(field, GovukDateField)
        for box, value, message in hostile(field):
            data = {**typed, **valid, f"{name}_{box}": value}
            response = send(url, data)
            assert response.status_code == 200, (name, value)
            body = response.content.decode()
            assert "There is a problem" in body
            assert escape(message) in body, (name, value, message)
            assert f'value="{escape(value)}"' in body
            assert_kept(
                body,
                case.form,
                {**typed, **{key: v for key, v in valid.items() if key != f"{name}_{box}"}},
            )
