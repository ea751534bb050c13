from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # A kept register file is served only while its owner still reads its scope.
        from chapter import jobs
        from reports import tasks

        jobs.register_access_check(tasks.KIND, tasks.owner_still_reads)
        # The measures the stored figures keep (reports.figures.MEASURES).
        from reports import measures  # noqa: F401
