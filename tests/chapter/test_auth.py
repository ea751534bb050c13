import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_public_and_vietnamese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.text
    assert "Đăng nhập" in response.text


def test_login_then_dashboard(client, user):
    response = client.post(
        "/accounts/login/", {"username": "someone", "password": "correct-horse"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.context["user"] == user


def test_wrong_password_is_refused_in_vietnamese(client, user):
    response = client.post("/accounts/login/", {"username": "someone", "password": "wrong"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert "Vui lòng điền vào" in response.text


def test_logout_is_post_only(user_client):
    assert user_client.get("/accounts/logout/").status_code == 405
    response = user_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert user_client.get("/").status_code == 302


def test_password_change(user_client, user):
    response = user_client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")


def test_repeated_failures_lock_the_account(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "someone", "password": "wrong"})
    # Even the right password is refused now, with a Vietnamese explanation.
    response = client.post("/accounts/login/", {"username": "someone", "password": "correct-horse"})
    assert response.status_code == 429
    assert "Tài khoản đã bị khóa" in response.text
    assert "30 phút" in response.text
