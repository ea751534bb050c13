import pytest
from django.contrib.auth import get_user_model
from faker import Faker

from admissions.rules import forget_rules
from chapter.workdays import clear_calendar_cache
from members.models import RoleAssignment
from tests.members.factories import (
    CellFactory,
    ChapterFactory,
    UserFactory,
    give_role,
    register_member,
)

Role = RoleAssignment.Role


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Build the .mo files so a bare `pytest` sees the Vietnamese catalogue too."""
    from django.core.management import call_command

    call_command("compiletranslations", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_caches():
    """The working-day calendar and the rule book are cached per process, but a test's
    CalendarOverride and RuleValue rows roll back with its transaction: no cache may outlive it."""
    clear_calendar_cache()
    forget_rules()
    yield
    clear_calendar_cache()
    forget_rules()


@pytest.fixture(autouse=True)
def seeded_faker():
    """Vietnamese names, the same on every run."""
    Faker.seed(20180514)


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="someone", password="correct-horse")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


# The chapter every access test uses: two cells, a member in each, and one actor per role.


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="Chi bộ Ban Quản lý An toàn thực phẩm tỉnh")


@pytest.fixture
def cell(chapter):
    return CellFactory(chapter=chapter, name="Tổ 1")


@pytest.fixture
def other_cell(chapter):
    return CellFactory(chapter=chapter, name="Tổ 2")


@pytest.fixture
def member(cell):
    return register_member(cell=cell, full_name="Nguyễn Thị Hồng", gender="F")


@pytest.fixture
def other_member(other_cell):
    return register_member(cell=other_cell, full_name="Trần Văn Bình", gender="M")


@pytest.fixture
def secretary(chapter):
    user = UserFactory(username="bithu")
    give_role(user, Role.SECRETARY, chapter=chapter)
    return user


@pytest.fixture
def cell_leader(cell):
    user = UserFactory(username="totruong1")
    give_role(user, Role.CELL_LEADER, cell=cell)
    return user


@pytest.fixture
def other_cell_leader(other_cell):
    user = UserFactory(username="totruong2")
    give_role(user, Role.CELL_LEADER, cell=other_cell)
    return user


@pytest.fixture
def committee_officer(chapter):
    user = UserFactory(username="capuy")
    give_role(user, Role.COMMITTEE_OFFICER, committee=chapter.committee)
    return user


@pytest.fixture
def outsider(db):
    """A secretary of another chapter: logged in, but nothing here is theirs."""
    user = UserFactory(username="bithu_khac")
    give_role(user, Role.SECRETARY, chapter=ChapterFactory())
    return user


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("admin", password="pw")
