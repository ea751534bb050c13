import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_contract_users_and_is_idempotent():
    call_command("seed_demo", password="pw", verbosity=0)
    call_command("seed_demo", password="pw", verbosity=0)
    users = get_user_model().objects
    names = set(users.values_list("username", flat=True))
    assert {"bithu", "capuy", "admin", "totruong1", "totruong4"} <= names
    assert users.count() == 7
    assert users.get(username="admin").is_superuser
    assert users.get(username="bithu").check_password("pw")


def test_seed_demo_if_empty_leaves_an_existing_database_alone():
    get_user_model().objects.create_user("someone")
    call_command("seed_demo", if_empty=True, verbosity=0)
    assert not get_user_model().objects.filter(username="bithu").exists()
