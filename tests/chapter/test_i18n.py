import polib
import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_first_visit_is_vietnamese_whatever_the_browser_says(user_client):
    response = user_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in response.text
    assert "Tổng quan" in response.text
    assert "Đảng viên" in response.text


def test_english_is_a_saved_choice(user_client):
    response = user_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = user_client.get("/")
    assert 'lang="en"' in response.text
    assert "Overview" in response.text
    assert "Members" in response.text


def test_language_switch_works_before_login(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").text


def test_vietnamese_catalogue_is_complete():
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/vi/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue.translated_entries()) > 20


def test_a_known_string_in_each_language():
    with translation.override("vi"):
        assert translation.gettext("Members") == "Đảng viên"
    with translation.override("en"):
        assert translation.gettext("Members") == "Members"


def test_dates_are_day_month_year_in_both_languages():
    import datetime

    from django import forms
    from django.utils import formats

    day = datetime.date(2018, 5, 14)
    for language in ("vi", "en"):
        with translation.override(language):
            assert formats.date_format(day, "SHORT_DATE_FORMAT") == "14/05/2018"
            assert forms.DateField().clean("14/05/2018") == day
