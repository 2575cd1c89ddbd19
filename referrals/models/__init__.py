"""The referrals app's models, by concern: the referral and its consideration (``core``), the
parallel proceedings of its case (``proceedings``) and the notifications to bodies outside the
portal (``outside_notifications``). Import them from here."""

from referrals.models.core import (
    CMR_REQUIRED,
    AgencyInvolvement,
    AgendaItem,
    Answer,
    Attendance,
    Decision,
    Declaration,
    InformationRequest,
    LearningRoute,
    Meeting,
    MeetingQuerySet,
    Outcome,
    Recommendation,
    ReferenceCounter,
    Referral,
    ReferralDocument,
    ReferralQuerySet,
    Regulation17,
    Sibling,
    Timescale,
    asked_questions,
)
from referrals.models.outside_notifications import OutsideNotification
from referrals.models.proceedings import PROPER_KINDS, Proceeding, ProceedingQuerySet

__all__ = [
    "CMR_REQUIRED",
    "PROPER_KINDS",
    "AgencyInvolvement",
    "AgendaItem",
    "Answer",
    "Attendance",
    "Decision",
    "Declaration",
    "InformationRequest",
    "LearningRoute",
    "Meeting",
    "MeetingQuerySet",
    "Outcome",
    "OutsideNotification",
    "Proceeding",
    "ProceedingQuerySet",
    "Recommendation",
    "ReferenceCounter",
    "Referral",
    "ReferralDocument",
    "ReferralQuerySet",
    "Regulation17",
    "Sibling",
    "Timescale",
    "asked_questions",
]
