from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AdmissionsConfig(AppConfig):
    name = "admissions"
    verbose_name = _("Admissions")

    def ready(self) -> None:
        # Registers the pipeline's rule values (chapter.rules) before any page lists them.
        import admissions.rules  # noqa: F401
        from admissions import due
        from admissions.models import CandidateDocument, Decision, Extension, Resolution
        from chapter.models import CalendarOverride, RuleValue
        from members.models import Member

        # The stored due dates follow the calendar, the deadlines' rule values and the
        # members' official dates (admissions.due); chapter and members import no app.
        uid = "admissions.due"
        for model in (CalendarOverride, RuleValue):
            pre_save.connect(due.remember_former, model, dispatch_uid=f"{uid}.{model.__name__}")
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(due.override_changed, CalendarOverride, dispatch_uid=f"{uid}.day.{name}")
            signal.connect(due.rule_value_changed, RuleValue, dispatch_uid=f"{uid}.rule.{name}")
        post_save.connect(due.member_saved, Member, dispatch_uid=f"{uid}.member")
        for model in (CandidateDocument, Decision, Extension, Resolution):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                key = f"{uid}.{model.__name__}.{name}"
                signal.connect(due.row_changed, model, dispatch_uid=key)
