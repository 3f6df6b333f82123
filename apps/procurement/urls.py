from django.urls import path

from apps.procurement import views

urlpatterns = [
    path("c/<slug:slug>/procurement/", views.case_list, name="procurement_list"),
    path("c/<slug:slug>/procurement/new/", views.case_create, name="procurement_create"),
    path("c/<slug:slug>/procurement/vendors/", views.vendor_list, name="vendor_list"),
    path("c/<slug:slug>/procurement/vendors/new/", views.vendor_create, name="vendor_create"),
    path("c/<slug:slug>/procurement/vendors/<int:pk>/edit/", views.vendor_edit, name="vendor_edit"),
    path("c/<slug:slug>/procurement/<int:pk>/ocds.json", views.case_ocds, name="procurement_ocds"),
    path("procurement/<int:pk>/", views.case_detail, name="procurement_detail"),
    path("procurement/<int:pk>/edit/", views.case_edit, name="procurement_edit"),
    path("procurement/<int:pk>/stage/", views.case_stage, name="procurement_stage"),
    path("procurement/<int:pk>/rfi/new/", views.rfi_create, name="rfi_create"),
    path("procurement/<int:pk>/evaluation/", views.evaluation_setup, name="evaluation_setup"),
    path("rfi/<int:pk>/", views.rfi_detail, name="rfi_detail"),
    path("rfi/<int:pk>/responses/new/", views.rfi_response_create, name="rfi_response_create"),
    path("rfi/<int:pk>/edit/", views.rfi_edit, name="rfi_edit"),
    path("rfi-responses/<int:pk>/edit/", views.rfi_response_edit, name="rfi_response_edit"),
    path("rfi-responses/<int:pk>/delete/", views.rfi_response_delete, name="rfi_response_delete"),
    path("rfi-responses/<int:pk>/quotes/", views.quote_entry, name="quote_entry"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/criteria/new/", views.criterion_add, name="criterion_add"),
    path("evaluations/<int:pk>/proposals/new/", views.proposal_add, name="proposal_add"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/delete/", views.proposal_delete, name="proposal_delete"),
    path("proposals/<int:pk>/exclude/", views.proposal_exclude, name="proposal_exclude"),
    path("evaluations/<int:pk>/score/", views.evaluation_score, name="evaluation_score"),
    path("evaluations/<int:pk>/close/", views.scoring_close, name="scoring_close"),
    path("evaluations/<int:pk>/select/", views.evaluation_select, name="evaluation_select"),
]
