from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Case Management Reviews"

    def ready(self) -> None:
        from reviews import reminders  # noqa: F401 - registers the reviews' deadlines
