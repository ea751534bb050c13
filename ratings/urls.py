from django.urls import path

from ratings import views

app_name = "ratings"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:public_id>/<int:year>/", views.chapter_year, name="chapter-year"),
    path("badges/", views.badge_list, name="badges"),
    path("badges.xlsx", views.badge_export, name="badges-export"),
]
