from django.urls import path

from apps.costs import import_views, scope_views, survey_views, views

urlpatterns = [
    path("c/<slug:slug>/costs/", views.cost_comparison, name="cost_comparison"),
    path("c/<slug:slug>/costs/export.csv", views.cost_comparison_export, {"fmt": "csv"}, name="cost_comparison_csv"),
    path("c/<slug:slug>/costs/export.xlsx", views.cost_comparison_export, {"fmt": "xlsx"},
         name="cost_comparison_xlsx"),
    # The members as the bodies import's sheet: beside the import, which takes it back.
    path("c/<slug:slug>/members/export.csv", views.members_sheet, {"fmt": "csv"}, name="members_csv"),
    path("c/<slug:slug>/members/export.xlsx", views.members_sheet, {"fmt": "xlsx"}, name="members_xlsx"),
    path("c/<slug:slug>/import/bodies/", import_views.import_page, {"kind": "bodies"}, name="import_bodies"),
    path("c/<slug:slug>/import/costs/", import_views.import_page, {"kind": "costs"}, name="import_costs"),
    path("c/<slug:slug>/import/bodies/template.csv", import_views.import_template, {"kind": "bodies"},
         name="import_bodies_template"),
    path("c/<slug:slug>/import/costs/template.csv", import_views.import_template, {"kind": "costs"},
         name="import_costs_template"),
    path("c/<slug:slug>/import/jobs/<int:pk>/", import_views.import_job, name="import_job"),
    path("c/<slug:slug>/import/jobs/<int:pk>/progress/", import_views.import_job_progress, name="import_job_progress"),
    path("c/<slug:slug>/import/jobs/<int:pk>/retry/", import_views.import_job_retry, name="import_job_retry"),
    path("c/<slug:slug>/systems/", scope_views.business_systems, name="business_systems"),
    path("c/<slug:slug>/surveys/", survey_views.survey_rounds, name="survey_rounds"),
    path("c/<slug:slug>/surveys/<int:round_id>/", survey_views.survey_round_detail, name="survey_round_detail"),
    path("c/<slug:slug>/surveys/<int:round_id>/action/", survey_views.survey_round_action,
         name="survey_round_action"),
    path("bodies/<str:code>/costs/", views.body_costs, name="body_costs"),
    path("bodies/<str:code>/costs/<int:year>/edit/", views.body_costs_edit, name="body_costs_edit"),
    path("bodies/<str:code>/costs/<int:year>/copy-previous/", views.body_costs_copy_previous_year,
         name="body_costs_copy_previous_year"),
    path("bodies/<str:code>/costs/<int:year>/upload/", import_views.body_costs_upload, name="body_costs_upload"),
    path("bodies/<str:code>/costs/<int:year>/sheet.csv", views.body_costs_sheet, {"fmt": "csv"},
         name="body_costs_sheet_csv"),
    path("bodies/<str:code>/costs/<int:year>/sheet.xlsx", views.body_costs_sheet, {"fmt": "xlsx"},
         name="body_costs_sheet_xlsx"),
    path("bodies/<str:code>/survey/<int:round_id>/", views.survey_response, name="survey_response"),
]
