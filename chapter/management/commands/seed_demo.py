"""Load the demo: for now the demo users of the public contract (DESIGN.md).

The demo chapter itself (the founding story) is loaded through the real services once the
members and admissions services exist; until then this command creates the accounts only.
Safe to run twice.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_USERS = [
    ("admin", "Quản trị", "hệ thống", True),
    ("bithu", "Bí thư", "chi bộ", False),
    ("capuy", "Cán bộ", "cấp ủy", False),
    ("totruong1", "Tổ trưởng", "tổ 1", False),
    ("totruong2", "Tổ trưởng", "tổ 2", False),
    ("totruong3", "Tổ trưởng", "tổ 3", False),
    ("totruong4", "Tổ trưởng", "tổ 4", False),
]


class Command(BaseCommand):
    help = "Create the demo users (and, later, the demo chapter). Safe to run twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", default="demo", help="password of every demo user")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any user exists")

    @transaction.atomic
    def handle(self, *args, password: str, if_empty: bool, **options) -> None:
        User = get_user_model()
        if if_empty and User.objects.exists():
            if options["verbosity"] >= 1:
                self.stdout.write("Database already has users: demo not loaded.")
            return
        for username, first, last, is_super in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.is_staff = user.is_superuser = is_super
            user.set_password(password)
            user.save()
        if options["verbosity"] >= 1:
            names = ", ".join(u[0] for u in DEMO_USERS)
            self.stdout.write(f"Demo users: {names} — password: {password}")
