from django.urls import path

from apps.members import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/", views.consortium_list, name="consortium_list"),
    path("c/<slug:slug>/", views.consortium_dashboard, name="consortium_dashboard"),
    path("c/<slug:slug>/members/", views.member_list, name="member_list"),
]
