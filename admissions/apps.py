from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AdmissionsConfig(AppConfig):
    name = "admissions"
    verbose_name = _("Admissions")

    def ready(self) -> None:
        from admissions.rules import rule_value_changed

        # The rule book is cached per process; any RuleValue change drops it.
        rule_value = self.get_model("RuleValue")
        post_save.connect(
            rule_value_changed, sender=rule_value, dispatch_uid="admissions.rules.post_save"
        )
        post_delete.connect(
            rule_value_changed, sender=rule_value, dispatch_uid="admissions.rules.post_delete"
        )
