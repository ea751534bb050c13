from django.core.management.base import BaseCommand

from documents.docx_builder import build_all
from documents.render import SHIPPED


class Command(BaseCommand):
    help = "Write the shipped Word templates (documents/templates_docx/) from docx_builder.py."

    def handle(self, *args, **options):
        for path in build_all(SHIPPED):
            self.stdout.write(str(path.relative_to(SHIPPED.parent.parent)))
