from django.urls import path

from apps.portal import views

urlpatterns = [
    path("bodies/<str:code>/", views.body_detail, name="body_detail"),
]
