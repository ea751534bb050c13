from django.urls import path

from admissions import annul_views, queue_views, views

app_name = "admissions"

urlpatterns = [
    path("", views.board, name="board"),
    path("board/<str:stage>/", views.board_column, name="board-column"),
    path("list/", views.candidate_list, name="candidate-list"),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("queue/", queue_views.work_queue_page, name="queue"),
    path("probation/", views.probation_list, name="probation"),
    path("new/", views.candidate_create, name="candidate-create"),
    path("<uuid:public_id>/", views.candidate_detail, name="candidate-detail"),
    path("<uuid:public_id>/step/<slug:step>/", views.candidate_step, name="candidate-step"),
    path("<uuid:public_id>/observe/", views.candidate_observe, name="candidate-observe"),
    path(
        "<uuid:public_id>/papers/<int:document_id>/scan/",
        views.candidate_scan,
        name="candidate-scan",
    ),
    path("<uuid:public_id>/annul/", annul_views.candidate_annul, name="candidate-annul"),
]
