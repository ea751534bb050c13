from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ChapterConfig(AppConfig):
    name = "chapter"
    verbose_name = _("Site")

    def ready(self) -> None:
        from chapter.workdays import calendar_override_changed

        # The working-day calendar is cached per process; any override change drops it.
        override = self.get_model("CalendarOverride")
        post_save.connect(
            calendar_override_changed, sender=override, dispatch_uid="chapter.workdays.post_save"
        )
        post_delete.connect(
            calendar_override_changed, sender=override, dispatch_uid="chapter.workdays.post_delete"
        )
