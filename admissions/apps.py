from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionsConfig(AppConfig):
    name = "admissions"
    verbose_name = _("Admissions")

    def ready(self) -> None:
        # Registers the pipeline's rule values (chapter.rules) before any page lists them.
        import admissions.rules  # noqa: F401
