import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)


def test_no_template_references_an_external_url():
    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if EXTERNAL.search(line):
                offenders.append(f"{template}:{number}")
    assert offenders == []


@pytest.mark.parametrize("path", ["/", "/members/", "/admissions/", "/reports/"])
def test_sections_render_with_navigation(user_client, path):
    response = user_client.get(path)
    assert response.status_code == 200
    text = response.text
    assert text.count("<h1") == 1
    for label in ("Tổng quan", "Đảng viên", "Kết nạp", "Báo cáo"):
        assert label in text
    assert "/static/js-lib-bootstrap5/css/bootstrap.min.css" in text


def test_static_assets_are_served(user_client):
    for path in (
        "/static/js-lib-bootstrap5/css/bootstrap.min.css",
        "/static/bootstrap-icons/font/bootstrap-icons.min.css",
        "/static/htmx/htmx.min.js",
        "/static/css/app.css",
    ):
        response = user_client.get(path)
        assert response.status_code == 200, path


def test_admin_is_reachable_for_superusers(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
