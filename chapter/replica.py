"""Reading from a PostgreSQL replica (DESIGN.md, "Beyond one machine").

When ``DATABASE_REPLICA_URL`` is set, settings add a ``replica`` database alias and this router.
Pages and tasks that only read and may be a moment behind — reports, exports, committee pages —
mark themselves with ``reads_from_replica`` (a view decorator) or run inside
``reading_from_replica()``; everything else, every write, and every read of accounts, sessions
and login attempts stays on the primary.

Why only marked code: a replica lags its primary by a moment. A secretary who has just recorded
a movement and lands on the member page must see it, so ordinary pages read the primary; a
report is read-only and a moment's lag does not change what it says. Sessions and users stay on
the primary so that a user who has just logged in is never logged out by a lagging replica.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings

REPLICA = "replica"

# The application's own data; django's accounts and sessions, axes and the task queue stay on
# the primary (see the module docstring).
REPLICATED_APPS = frozenset(
    {"chapter", "members", "admissions", "ratings", "reports", "documents", "simple_history"}
)

# ... except the background jobs' own rows, which a page reads right after writing them, and
# the role assignments every access decision starts from: a role ended on the primary ends
# there, however far behind a replica is.
# The stored figures (reports.figures) are read right after being written, and checked against
# the stamps of the data read (which may be the replica's) before use.
PRIMARY_ONLY_MODELS = frozenset({"chapter.job", "members.roleassignment", "reports.storedfigures"})

_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reading_replica", default=False
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Route the application's reads to the replica (when there is one) inside the block."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """A view decorator: the view's reads of the application's data go to the replica."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # Only a safe method may read from the replica: a POST reads what it is about to change.
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reading_from_replica():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """``db_for_read`` → ``replica`` inside ``reading_from_replica`` for the application's own
    models; writes, migrations and everything else → the primary (``default``)."""

    def db_for_read(self, model, **hints):
        if (
            _reading_replica.get()
            and model._meta.app_label in REPLICATED_APPS
            and model._meta.label_lower not in PRIMARY_ONLY_MODELS
            and replica_configured()
        ):
            return REPLICA
        return None  # Django's default: the primary, or the database the instance came from

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
