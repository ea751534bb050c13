"""Lists sort names the Vietnamese way (issue 13 §5): given name, then middle and family name; the
Vietnamese alphabet (Dương before Đặng); tones last — from a stored key, alike on every database."""

import pytest
from django.urls import reverse

from members.models import Member
from tests.members.factories import register_member

pytestmark = [pytest.mark.django_db, pytest.mark.freeze_time("2024-03-01")]
NAMES = ["Đặng Văn An", "Dương Thị An", "Nguyễn Bá An", "Vũ An", "Lê Thị Ánh", "Trần Văn Đức"]
EXPECTED = ["Vũ An", "Nguyễn Bá An", "Dương Thị An", "Đặng Văn An", "Lê Thị Ánh", "Trần Văn Đức"]


@pytest.fixture
def named(cell):
    return [register_member(cell=cell, full_name=name) for name in NAMES]


def test_the_database_orders_by_the_stored_key(named):
    assert list(Member.objects.values_list("full_name", flat=True)) == EXPECTED


def test_a_renamed_member_moves_to_the_new_place(named):
    member = Member.objects.get(full_name="Vũ An")
    member.full_name = "Vũ Xuân"
    member.save(update_fields=["full_name"])
    assert list(Member.objects.values_list("full_name", flat=True))[-1] == "Vũ Xuân"


def test_the_register_page_lists_in_that_order(named, secretary, client):
    client.force_login(secretary)
    page = client.get(reverse("members:member-list")).content.decode()
    places = [page.index(name) for name in EXPECTED]
    assert places == sorted(places)


def test_descending_is_the_exact_reverse(named, secretary, client):
    client.force_login(secretary)
    page = client.get(reverse("members:member-list") + "?sort=-name").content.decode()
    places = [page.index(name) for name in reversed(EXPECTED)]
    assert places == sorted(places)
