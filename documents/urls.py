from django.urls import path

from documents import chapter_views, views
from documents.opinion_views import opinions_edit

app_name = "documents"

urlpatterns = [
    path("case/<uuid:public_id>/", views.case_documents, name="case"),
    path("case/<uuid:public_id>/<slug:slug>/", views.document_preview, name="preview"),
    path("case/<uuid:public_id>/meeting/<slug:kind>/", views.meeting_edit, name="meeting"),
    path("case/<uuid:public_id>/opinions/<slug:kind>/", opinions_edit, name="opinions"),
    path("file/<uuid:public_id>.<str:fmt>", views.generated_file, name="file"),
    path("chapter/<uuid:public_id>/settings/", views.settings_edit, name="settings"),
    path("chapter/<uuid:public_id>/", chapter_views.chapter_documents, name="chapter"),
    path(
        "chapter/<uuid:public_id>/of/<slug:slug>/",
        chapter_views.chapter_preview,
        name="chapter-preview",
    ),
]
