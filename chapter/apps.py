from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChapterConfig(AppConfig):
    name = "chapter"
    verbose_name = _("Site")
