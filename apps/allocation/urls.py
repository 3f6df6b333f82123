from django.urls import path

from apps.allocation import views

urlpatterns = [
    path("c/<slug:slug>/plans/", views.plan_list, name="plan_list"),
    path("c/<slug:slug>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/preview/", views.plan_preview, name="plan_preview"),
    path("plans/<int:pk>/result.csv", views.plan_result_csv, name="plan_result_csv"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/pools/", views.plan_pools, name="plan_pools"),
    path("plans/<int:pk>/guarantee/", views.plan_guarantees, name="plan_guarantees"),
    path("plans/<int:pk>/scenarios/", views.plan_scenarios, name="plan_scenarios"),
    path("plans/<int:pk>/members/sync/", views.plan_members_sync, name="plan_members_sync"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
]
