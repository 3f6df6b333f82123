from django.urls import path

from apps.members import member_views, people, settings_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/settings/", settings_views.consortium_settings, name="consortium_settings"),
    path("c/<slug:slug>/members/", views.member_list, name="member_list"),
    path("c/<slug:slug>/members/add/", member_views.member_add, name="member_add"),
    path("c/<slug:slug>/members/status/", member_views.member_status_bulk, name="member_status_bulk"),
    path("c/<slug:slug>/members/<str:code>/", member_views.member_manage, name="member_manage"),
    path("c/<slug:slug>/people/", people.people, name="people"),
    path("c/<slug:slug>/people/<int:user_id>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("c/<slug:slug>/people/<int:user_id>/unlock/", people.person_unlock, name="person_unlock"),
]
