from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ChapterConfig(AppConfig):
    name = "chapter"
    verbose_name = _("Site")

    def ready(self) -> None:
        from chapter.rules import rule_value_changed
        from chapter.workdays import calendar_override_changed

        # The working-day calendar and the rule book are cached per process; any change of an
        # override or a rule value drops them.
        for model, receiver, uid in (
            ("CalendarOverride", calendar_override_changed, "chapter.workdays"),
            ("RuleValue", rule_value_changed, "chapter.rules"),
        ):
            sender = self.get_model(model)
            post_save.connect(receiver, sender=sender, dispatch_uid=f"{uid}.post_save")
            post_delete.connect(receiver, sender=sender, dispatch_uid=f"{uid}.post_delete")
