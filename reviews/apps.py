from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "IT reviews"

    def ready(self) -> None:
        from initiatives.models import Status
        from initiatives.services import add_transition_guard

        from . import signals  # noqa: F401  (keeps the review queue's facts current)
        from .services.readiness import check_ready_for_build

        # Nothing reaches "ready for build" past the IT review's rule, whichever path moves it.
        add_transition_guard(Status.READY_FOR_BUILD, check_ready_for_build)
