"""factory_boy factories: one per meaningful state. All data is fictional."""

from typing import Any

import factory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from panels.models import User

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@test.example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n} (fictional)")
    job_title = "Social worker"
    organisation = "Fictional HSC Trust"

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        password = kwargs.pop("password", TEST_PASSWORD)
        return model_class.objects.create_user(kwargs.pop("email"), password, **kwargs)


def verified_device(user: User) -> TOTPDevice:
    """A confirmed authenticator-app device for the user."""
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app would show now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
