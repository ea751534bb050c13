#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapter.settings")
    # The command line is a developer's tool first: with no secret key in the environment it
    # runs in development mode (a generated key, debug on). Production sets DJANGO_SECRET_KEY,
    # so its commands keep debug off; the web server (wsgi.py) never gets this default.
    if "DJANGO_SECRET_KEY" not in os.environ:
        os.environ.setdefault("DJANGO_DEBUG", "True")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
