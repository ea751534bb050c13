"""The project's URLconf: the one module of ``chapter`` that imports the apps (it mounts their
URLconfs and the home page, ``reports.views.dashboard``); every other ``chapter`` module is the
bottom layer and imports no app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from chapter import admin as chapter_admin
from chapter import job_views
from reports.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("members/", include("members.urls")),
    path("admissions/", include("admissions.urls")),
    path("reports/", include("reports.urls")),
    path("ratings/", include("ratings.urls")),
    path("documents/", include("documents.urls")),
    # Background work (large exports and imports): progress and the file, for its owner only.
    path("jobs/<uuid:job_id>/", job_views.job_page, name="job"),
    path("jobs/<uuid:job_id>/progress/", job_views.job_progress, name="job-progress"),
    path("jobs/<uuid:job_id>/download/", job_views.job_download, name="job-download"),
    # No self-service password reset: e-mail is out of scope, the administrator resets passwords.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language switch is on the login page too, so it needs no login.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Django's "view on site" redirect, scoped like the rest of the admin (chapter/admin.py).
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        chapter_admin.scoped_view_on_site,
        name="admin-view-on-site",
    ),
    path("admin/", admin.site.urls),
]

# Error pages in the site's layout and language (templates/400.html, 403.html, 404.html, 500.html).
handler400 = "chapter.views.bad_request"
handler500 = "chapter.views.server_error"

admin.site.site_header = _("Chapter records: administration")
admin.site.site_title = _("Chapter records")
admin.site.index_title = _("Data correction")
