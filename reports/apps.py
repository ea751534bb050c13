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
        # The measures the stored figures keep (reports.figures.MEASURES), and the board's
        # counts of an officer's unit read from them.
        from admissions import board
        from reports import measures, stored  # noqa: F401

        board.register_stored_tally(stored.board_tally)
