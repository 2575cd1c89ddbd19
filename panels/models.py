import uuid
from typing import Any, ClassVar

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from panels.access import granted, grants_with_person, holds


class Agency(models.Model):
    """A member agency of the SBNI, or another body that knew a child: editable reference data."""

    class Kind(models.TextChoices):
        HEALTH_AND_SOCIAL_CARE = "hsc", "Health and social care"
        POLICE = "police", "Police"
        PROBATION = "probation", "Probation"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        EDUCATION = "education", "Education"
        COUNCIL = "council", "District council"
        VOLUNTARY = "voluntary", "Voluntary sector"
        GOVERNMENT = "government", "Government department"
        OTHER = "other", "Other"

    name = models.CharField(max_length=150, unique=True)
    short_name = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class SbniRole(models.TextChoices):
    """Roles across the SBNI, held as Django groups with model-level permissions."""

    SBNI_OFFICER = "SBNI officer"
    CMR_PANEL_MEMBER = "CMR Panel member"
    CMR_PANEL_CHAIR = "CMR Panel chair"
    SBNI_CHAIR = "SBNI Chair"
    SYSTEM_ADMINISTRATOR = "System administrator"


# Everyone who works on the referrals sent to the SBNI: its officers, the CMR Panel, the Chair.
SBNI_STAFF = (
    SbniRole.SBNI_OFFICER,
    SbniRole.CMR_PANEL_MEMBER,
    SbniRole.CMR_PANEL_CHAIR,
    SbniRole.SBNI_CHAIR,
)


def role_field(role: SbniRole) -> str:
    """The name of the annotation that says whether a user holds ``role``."""
    return f"holds_{role.name.lower()}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def for_requests(self) -> models.QuerySet["User"]:
        """With what every page needs of the signed-in person, read in the same query: their
        SBNI roles, the number of their unread notifications and their object permissions."""
        memberships = User.groups.through.objects.filter(user=models.OuterRef("pk"))
        unread = (
            apps.get_model("notifications", "Notification")
            .objects.filter(recipient=models.OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(count=models.Count("id"))
            .values("count")
        )
        return self.annotate(
            **grants_with_person(),
            unread_notifications=Coalesce(models.Subquery(unread), 0),
            **{
                role_field(role): models.Exists(memberships.filter(group__name=role))
                for role in SbniRole
            },
        )

    def get_by_natural_key(self, username: str | None) -> "User":
        # Email addresses are matched without regard to case.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The email address, stored in lower case, is the sign-in name."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        help_text="Set for an agency contact: the agency they answer for in reviews.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Turn this off instead of deleting the account: the audit trail keeps its actor.",
    )
    is_staff = models.BooleanField(
        "can use the admin site",
        default=False,
        help_text="System administrators only.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    class Emails(models.TextChoices):
        IMMEDIATE = "immediate", "An email for each notification, as it happens"
        DAILY = "daily", "One email a day listing them"

    emails = models.CharField(
        "emails about notifications",
        max_length=10,
        choices=Emails.choices,
        default=Emails.IMMEDIATE,
    )

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """Model-wide permissions (the admin site's) as Django decides them, superusers holding
        all; about one record, only what the portal's services granted (``panels.access``)."""
        if obj is None:
            return super().has_perm(perm)
        return holds(self, perm, obj)

    def has_sbni_role(self, *roles: SbniRole) -> bool:
        """Whether the user holds any of these SBNI-wide roles: read with the user for a request
        (``for_requests``), otherwise in one query, then kept."""
        if not hasattr(self, "_sbni_roles"):
            if hasattr(self, role_field(SbniRole.SBNI_OFFICER)):
                self._sbni_roles = {role for role in SbniRole if getattr(self, role_field(role))}
            else:
                self._sbni_roles = set(self.groups.values_list("name", flat=True))
        return any(role in self._sbni_roles for role in roles)


class PanelQuerySet(models.QuerySet["Panel"]):
    def visible_to(self, user: "User", perm: str = "view_panel_cases") -> "PanelQuerySet":
        """The panels on which the user holds ``perm`` through a membership."""
        return self.filter(pk__in=granted(user, f"panels.{perm}", self.model))


class Panel(models.Model):
    """A Local Safeguarding Panel, one per Trust area: editable reference data.

    The independent chair is the member whose membership has the chair role, so there is one
    place that says who chairs a panel, and one person may chair several panels.
    """

    name = models.CharField(max_length=150, unique=True)
    code = models.CharField(
        max_length=10, unique=True, help_text="A short code used in references, such as BEL."
    )
    trust = models.CharField("Trust", max_length=150)
    active = models.BooleanField(default=True)

    objects = PanelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("view_panel_cases", "Can see the panel's cases"),
            ("log_referral", "Can log a referral for the panel"),
            ("manage_panel", "Can manage the panel's members"),
            ("monitor_panel", "Can see the panel's monitoring figures"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("panels:detail", kwargs={"code": self.code})


class Membership(models.Model):
    """A user's place on a panel. Only the services in panels/services.py change memberships."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Panel chair"
        ADMINISTRATOR = "administrator", "Panel administrator"
        MEMBER = "member", "Panel member"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["panel__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="one_membership_per_panel"),
            models.UniqueConstraint(
                fields=["panel"], condition=models.Q(role="chair"), name="one_chair_per_panel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.full_name}, {self.get_role_display()} of {self.panel.name}"
