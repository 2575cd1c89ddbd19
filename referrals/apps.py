from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals and decisions"

    def ready(self) -> None:
        from referrals import reminders  # noqa: F401 - registers the referrals' deadlines
