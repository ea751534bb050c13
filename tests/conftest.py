import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="someone", password="correct-horse")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Build the .mo files so a bare `pytest` sees the Vietnamese catalogue too."""
    from django.core.management import call_command

    call_command("compiletranslations", verbosity=0)
