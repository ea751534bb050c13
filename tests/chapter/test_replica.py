"""The replica router (chapter/replica.py): reads of marked code go to ``replica`` when it is
configured; everything else, every write and every migration stays on the primary.

The two-alias tests add a ``replica`` alias pointing at the test database itself, as
``DATABASE_REPLICA_URL`` would point at a streaming replica of the primary: the rows are the
same, the connection is another one, so the queries it runs can be told apart.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections
from django.test.utils import CaptureQueriesContext

from chapter.replica import REPLICA, ReplicaRouter, reading_from_replica, reads_from_replica
from members.models import Chapter
from tests.members.factories import ChapterFactory

router = ReplicaRouter()
# The fixture below adds the alias for one test, as DATABASE_REPLICA_URL does at start-up.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def replica(settings, transactional_db):
    """A second alias on the same (test) database, committed rows visible to both."""
    alias = dict(connections["default"].settings_dict)
    connections.settings[REPLICA] = alias
    settings.DATABASES = {**settings.DATABASES, REPLICA: alias}
    # Connect now: the test case refuses to open connections to aliases it was not told about
    # (a guard against tests leaking into other databases); this one is the same database.
    connections[REPLICA].connect()
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def test_without_a_replica_everything_reads_the_primary(settings):
    assert REPLICA not in settings.DATABASES
    with reading_from_replica():
        assert router.db_for_read(Chapter) is None


def test_writes_and_migrations_stay_on_the_primary():
    assert router.db_for_write(Chapter) == "default"
    assert router.allow_migrate("default", "members")
    assert not router.allow_migrate(REPLICA, "members")


def test_only_marked_reads_of_the_applications_data_go_to_the_replica(replica):
    assert router.db_for_read(Chapter) is None  # not marked: the primary
    with reading_from_replica():
        assert router.db_for_read(Chapter) == REPLICA
        # Accounts (and so sessions and logins) stay on the primary: a user who has just
        # logged in is never logged out by a replica a moment behind.
        assert router.db_for_read(get_user_model()) is None
    assert router.db_for_read(Chapter) is None  # the mark ends with the block


def test_marked_code_reads_its_rows_through_the_replica_connection(replica):
    chapter = ChapterFactory()
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
        reading_from_replica(),
    ):
        names = list(Chapter.objects.values_list("name", flat=True))
    assert names == [chapter.name]
    assert len(on_replica.captured_queries) == 1
    assert on_primary.captured_queries == []


def test_the_view_decorator_marks_safe_methods_only(replica, rf):
    seen = []

    @reads_from_replica
    def view(request):
        seen.append(router.db_for_read(Chapter))
        return None

    view(rf.get("/"))
    view(rf.head("/"))
    view(rf.post("/"))  # a POST reads what it is about to change: the primary
    assert seen == [REPLICA, REPLICA, None]


def _tables(captured) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_a_report_reads_the_register_from_the_replica(replica, client, secretary, member):
    client.force_login(secretary)
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/reports/")
    assert response.status_code == 200
    assert "members_member" in _tables(on_replica)
    # The primary answers the session and the user only.
    assert "members_member" not in _tables(on_primary)
    assert "django_session" in _tables(on_primary)


def test_the_register_page_and_the_jobs_stay_on_the_primary(replica, client, secretary, member):
    """A secretary who has just recorded a change reads the primary (not marked), and a job's
    own row is read right after it is written."""
    client.force_login(secretary)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/members/").status_code == 200
    assert on_replica.captured_queries == []
    with reading_from_replica():
        assert router.db_for_read(apps.get_model("chapter", "Job")) is None


def test_access_decisions_read_the_roles_from_the_primary(replica, client, secretary, member):
    """A role ended on the primary ends at once, even on a page that reads the replica."""
    client.force_login(secretary)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/reports/").status_code == 200
    assert "members_roleassignment" not in _tables(on_replica)
    with reading_from_replica():
        assert router.db_for_read(apps.get_model("members", "RoleAssignment")) is None
