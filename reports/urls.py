from django.urls import path

from reports import unit_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("people/", views.people, name="people"),
    path("figures.xlsx", views.export_figures, name="export-figures"),
    path("register.xlsx", views.export_register, name="export-register"),
    path("units/", unit_views.unit_index, name="units"),
    path("units/<uuid:public_id>/", unit_views.unit_detail, name="unit"),
]
