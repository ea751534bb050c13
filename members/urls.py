from django.urls import path

from members import (
    handover_views,
    import_views,
    movement_views,
    organisation_views,
    pickers,
    reorganisation_views,
    views,
)

app_name = "members"

urlpatterns = [
    # The register and a member's record (members/views.py)
    path("", views.member_list, name="member-list"),
    path("new/", views.member_create, name="member-create"),
    path("<uuid:public_id>/", views.member_detail, name="member-detail"),
    path("<uuid:public_id>/edit/", views.member_edit, name="member-edit"),
    # Searchable chapter and cell pickers: matches in the user's scope (members/pickers.py)
    path("pick/chapters/", pickers.pick_chapters, name="pick-chapters"),
    path("pick/cells/", pickers.pick_cells, name="pick-cells"),
    # Import of an existing register from Excel or CSV (members/import_views.py)
    path("import/", import_views.import_upload, name="import"),
    path("import/template.xlsx", import_views.import_template, name="import-template"),
    path("import/<uuid:batch_id>/", import_views.import_preview, name="import-preview"),
    # Movements, each a form then a confirmation, POST only to act (members/movement_views.py)
    path("transfer-in/", movement_views.transfer_in, name="transfer-in"),
    path("<uuid:public_id>/move/<slug:action>/", movement_views.member_move, name="member-move"),
    path("<uuid:public_id>/correct/", movement_views.correct_key_date, name="member-correct"),
    path("<uuid:public_id>/annul/", movement_views.member_annul, name="member-annul"),
    # Organisation: chapter page, cells, roles (members/organisation_views.py)
    path("chapters/<uuid:public_id>/", organisation_views.chapter_detail, name="chapter-detail"),
    path(
        "chapters/<uuid:public_id>/cells/new/", organisation_views.cell_create, name="cell-create"
    ),
    path("cells/<uuid:public_id>/edit/", organisation_views.cell_edit, name="cell-edit"),
    path(
        "chapters/<uuid:public_id>/roles/new/", organisation_views.role_create, name="role-create"
    ),
    path("roles/<int:pk>/end/", organisation_views.role_end, name="role-end"),
    # Transfers between two chapters of this system (members/handover_views.py)
    path("transfers/", handover_views.transfer_list, name="transfers"),
    path("<uuid:public_id>/transfer/", handover_views.handover_new, name="handover-new"),
    path("transfers/<uuid:public_id>/", handover_views.handover_detail, name="handover-detail"),
    path(
        "transfers/<uuid:public_id>/letter/",
        handover_views.handover_issue,
        name="handover-issue",
    ),
    path(
        "transfers/<uuid:public_id>/accept/",
        handover_views.handover_accept,
        name="handover-accept",
    ),
    path(
        "transfers/<uuid:public_id>/not-arrived/",
        handover_views.handover_not_arrived,
        name="handover-not-arrived",
    ),
    path(
        "transfers/<uuid:public_id>/cancel/",
        handover_views.handover_cancel,
        name="handover-cancel",
    ),
    path("pick/destinations/", handover_views.pick_destinations, name="pick-destinations"),
    # Reorganisation decisions: merge, split, move cells or chapters (reorganisation_views.py)
    path("reorganisations/", reorganisation_views.reorganisation_list, name="reorganisations"),
    path(
        "reorganisations/new/",
        reorganisation_views.reorganisation_new,
        name="reorganisation-new",
    ),
    path(
        "reorganisations/<uuid:public_id>/",
        reorganisation_views.reorganisation_detail,
        name="reorganisation-detail",
    ),
]
