"""The admin in Vietnamese has no English left: Django 5.x's newer strings, django.contrib.auth,
django-simple-history and django-axes are translated in our catalogue (locale/vi), and the few
strings those packages hard-code are replaced (templates/admin, chapter/admin.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from members.models import Member
from tests.members.factories import ChapterFactory, register_member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2020-06-01")]

# English an administrator saw on these pages before (a sample from each source).
ENGLISH = [
    "Show counts",
    "Hide counts",
    "Skip to main content",
    "Toggle theme",
    "Filter navigation items",
    "Select all objects on this page",
    "Please correct the error",
    "Access logs",
    "Access attempts",
    "Access failures",
    "Attempt Time",
    "Access Log for",
    ">Axes<",
    "Changed by",
    "Change reason",
    "Date/time",
    ">Object<",
    ">Changes<",
    ">None<",
    'alt="Search"',
    "Public id",
    "View history",
]


@pytest.fixture
def admin_vi(client, admin_user):
    client.force_login(admin_user)  # the first visit is in Vietnamese (VietnameseFirstMiddleware)
    return client


@pytest.fixture
def world(db):
    chapter = ChapterFactory()
    member = register_member(chapter)
    committee = chapter.committee
    committee.authorised_to_admit = True  # a second version, with a change to show
    committee._change_reason = None
    committee.save()
    return {"chapter": chapter, "member": member, "committee": committee}


def english_in(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in text]


def pages(world, client) -> dict[str, str]:
    member, committee = world["member"], world["committee"]
    # A login, so that axes has rows to list.
    client.post(reverse("login"), {"username": "admin", "password": "wrong"})
    version = member.history.latest("history_date")
    return {
        "index": reverse("admin:index"),
        "members": reverse("admin:members_member_changelist") + "?_facets=True",
        "member": reverse("admin:members_member_change", args=[member.pk]),
        "history": reverse("admin:members_member_history", args=[member.pk]),
        "version": reverse(
            "admin:members_member_simple_history", args=[member.pk, version.history_id]
        ),
        "committee history": reverse("admin:members_committee_history", args=[committee.pk]),
        "attempts": reverse("admin:axes_accessattempt_changelist"),
        "logs": reverse("admin:axes_accesslog_changelist"),
        "failures": reverse("admin:axes_accessfailurelog_changelist"),
        "users": reverse("admin:auth_user_changelist"),
    }


def test_admin_pages_have_no_english_left(admin_vi, world, admin_user):
    for name, url in pages(world, admin_vi).items():
        admin_vi.force_login(admin_user)
        response = admin_vi.get(url)
        assert response.status_code == 200, name
        text = response.content.decode()
        assert 'lang="vi"' in text, name
        assert english_in(text) == [], name


def test_axes_and_history_read_in_vietnamese(admin_vi, world):
    index = admin_vi.get(reverse("admin:index")).content.decode()
    assert "Chống dò mật khẩu" in index
    assert "Nhật ký đăng nhập" in index
    history = admin_vi.get(
        reverse("admin:members_committee_history", args=[world["committee"].pk])
    ).content.decode()
    for vietnamese in ("Người sửa", "Lý do thay đổi", "Các thay đổi", "Tạo mới"):
        assert vietnamese in history
    # "old → new" in words: a boolean is Không/Có, not False/True.
    assert "Không&nbsp;&rarr;&nbsp;&nbsp;Có" in history.replace("\n", "").replace("  ", "")


def test_history_shows_choice_labels_and_dates(admin_vi, world):
    member = world["member"]
    member.political_theory = Member.PoliticalTheory.INTERMEDIATE
    member.youth_union_date = datetime.date(2005, 3, 26)
    member._change_reason = "Bổ sung lý lịch"
    member.save()
    history = admin_vi.get(reverse("admin:members_member_history", args=[member.pk]))
    text = history.content.decode()
    assert "Bổ sung lý lịch" in text
    with translation.override("vi"):
        assert str(Member.PoliticalTheory.INTERMEDIATE.label) in text
    assert "INTERMEDIATE" not in text
    assert "26/03/2005" in text


def test_a_form_error_is_announced_in_vietnamese(admin_vi, world):
    chapter = world["chapter"]
    url = reverse("admin:members_chapter_change", args=[chapter.pk])
    response = admin_vi.post(url, {"name": ""})
    assert response.status_code == 200
    assert "Vui lòng sửa các lỗi dưới đây." in response.content.decode()


def test_facet_counts_toggle_is_vietnamese(admin_vi, world):
    response = admin_vi.get(reverse("admin:members_member_changelist"))
    assert "Hiện số lượng" in response.content.decode()
    response = admin_vi.get(reverse("admin:members_member_changelist") + "?_facets=True")
    assert "Ẩn số lượng" in response.content.decode()
