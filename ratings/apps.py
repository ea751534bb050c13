from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Ratings and badges")

    def ready(self) -> None:
        # Registers the rating's rule values (chapter.rules) before any page reads them.
        import ratings.rules  # noqa: F401
