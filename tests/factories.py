"""factory_boy factories: one per meaningful state. All data is fictional."""

from typing import Any

import factory

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
