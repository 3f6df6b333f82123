from django.urls import path

from apps.agreements import customisation_views, views

urlpatterns = [
    path("c/<slug:slug>/agreements/", views.agreement_list, name="agreement_list"),
    path("c/<slug:slug>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/articles/new/", views.article_create, name="article_create"),
    path("agreements/<int:pk>/review/", views.agreement_transition, {"transition": "review"},
         name="agreement_review"),
    path("agreements/<int:pk>/redraft/", views.agreement_transition, {"transition": "redraft"},
         name="agreement_redraft"),
    path("agreements/<int:pk>/conclude/", views.agreement_transition, {"transition": "conclude"},
         name="agreement_conclude"),
    path("agreements/<int:pk>/amend/", views.agreement_transition, {"transition": "amend"}, name="agreement_amend"),
    path("agreements/<int:pk>/withdraw/", views.agreement_transition, {"transition": "withdraw"},
         name="agreement_withdraw"),
    path("articles/<int:pk>/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/delete/", views.article_delete, name="article_delete"),
    path("signatures/<int:pk>/", views.signature_record, name="signature_record"),
    path("c/<slug:slug>/contracts/", views.contract_list, name="contract_list"),
    path("c/<slug:slug>/contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("c/<slug:slug>/customisations/", customisation_views.customisation_list, name="customisation_list"),
    path("c/<slug:slug>/customisations/new/", customisation_views.customisation_create, name="customisation_create"),
    path("customisations/<int:pk>/", customisation_views.customisation_detail, name="customisation_detail"),
    path("customisations/<int:pk>/edit/", customisation_views.customisation_edit, name="customisation_edit"),
    path("customisations/<int:pk>/decide/", customisation_views.customisation_decide, name="customisation_decide"),
    path("customisations/<int:pk>/done/", customisation_views.customisation_done, name="customisation_done"),
]
