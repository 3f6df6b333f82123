from django.urls import path

from apps.portal import views

urlpatterns = [
    path("c/", views.consortium_list, name="consortium_list"),
    path("c/<slug:slug>/", views.consortium_dashboard, name="consortium_dashboard"),
    path("bodies/<str:code>/", views.body_detail, name="body_detail"),
]
