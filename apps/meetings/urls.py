from django.urls import path

from apps.meetings import views

urlpatterns = [
    path("c/<slug:slug>/meetings/", views.meeting_list, name="meeting_list"),
    path("c/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("c/<slug:slug>/meetings.ics", views.meetings_ics, name="meetings_ics"),
    path("c/<slug:slug>/meetings/feed/<str:token>.ics", views.meetings_feed, name="meetings_feed"),
    path("c/<slug:slug>/meetings/feed/reissue/", views.meetings_feed_reissue, name="meetings_feed_reissue"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/attendance/", views.attendance_edit, name="attendance_edit"),
    path("meetings/<int:pk>/decisions/new/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("meetings/<int:pk>/notify/", views.meeting_notify, name="meeting_notify"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/cancel/notify/", views.meeting_cancellation_notify, name="meeting_cancellation_notify"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("agenda/<int:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/delete/", views.meeting_part_change, {"change": "agenda_delete"},
         name="agenda_delete"),
    path("agenda/<int:pk>/up/", views.meeting_part_change, {"change": "agenda_move_up"},
         name="agenda_move_up"),
    path("agenda/<int:pk>/document/", views.agenda_document, name="agenda_document"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/delete/", views.meeting_part_change, {"change": "decision_delete"},
         name="decision_delete"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", views.meeting_part_change, {"change": "action_delete"},
         name="action_delete"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
]
