"""The error pages: Vietnamese, in the site's layout, with DEBUG off (issue 10, item 8).

400, 403 and 404 render with the request (navbar, language switch); 500 renders with no
request context and no database access, so it still shows when the database is what failed;
the login lockout (django-axes) is a 429 in the same layout.
"""

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from chapter import views
from reports import views as report_views

pytestmark = pytest.mark.django_db


def test_debug_is_off_in_the_suite():
    assert settings.DEBUG is False


def _is_page(response, heading: str) -> None:
    text = response.content.decode()
    assert text.count("<h1") == 1
    assert heading in text
    assert 'lang="vi"' in text
    assert "Hồ sơ chi bộ" in text  # the site's brand, in the navbar
    assert "app-navbar" in text


def test_404_is_vietnamese_in_the_layout(client, secretary):
    client.force_login(secretary)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _is_page(response, "Không tìm thấy trang")
    assert "Lỗi 404" in response.text
    assert "Đổi mật khẩu" in response.text  # the signed-in user's menu is there


def test_404_for_an_out_of_scope_object_is_the_same_page(client, outsider, member):
    client.force_login(outsider)
    response = client.get(member.get_absolute_url())
    assert response.status_code == 404
    _is_page(response, "Không tìm thấy trang")
    assert member.full_name not in response.text


def test_404_for_an_anonymous_visitor(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _is_page(response, "Không tìm thấy trang")


def test_404_in_english_when_chosen(client, secretary):
    client.force_login(secretary)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_403_is_vietnamese_in_the_layout(client, cell_leader):
    client.force_login(cell_leader)
    response = client.get("/members/new/")
    assert response.status_code == 403
    _is_page(response, "Không được phép")
    assert "Lỗi 403" in response.text


def test_400_is_vietnamese_in_the_layout(client, secretary):
    client.force_login(secretary)
    response = client.get("/members/?q=%00")
    assert response.status_code == 400
    _is_page(response, "Yêu cầu không hợp lệ")
    assert "Lỗi 400" in response.text


def test_500_is_vietnamese_and_standalone(client, secretary, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(report_views, "summary", broken)
    client.force_login(secretary)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    _is_page(response, "Đã xảy ra lỗi")
    assert "Lỗi 500" in response.text
    assert "boom" not in response.text


@pytest.mark.django_db(False)
def test_500_renders_without_the_database():
    """No ``db`` here: pytest-django fails any query, so the page needs none."""
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Đã xảy ra lỗi" in text and "Lỗi 500" in text


def test_500_falls_back_to_plain_vietnamese_when_the_template_fails(monkeypatch):
    def broken(name):
        raise OSError("templates unreadable")

    monkeypatch.setattr(views.loader, "get_template", broken)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_login_lockout_is_a_vietnamese_429(client, django_user_model):
    django_user_model.objects.create_user("bithu", password="right-one")
    for _attempt in range(2):
        client.post("/accounts/login/", {"username": "bithu", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "bithu", "password": "right-one"})
    assert response.status_code == 429
    _is_page(response, "Tài khoản")
    assert "khóa" in response.text or "khoá" in response.text
