from django.urls import path

from apps.reports import views

urlpatterns = [
    path("c/<slug:slug>/reports/", views.report_list, name="report_list"),
    path("c/<slug:slug>/reports/progress/", views.report_progress, name="report_progress"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("reports/<int:pk>/send/", views.report_send, name="report_send"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/retry/", views.batch_retry, name="batch_retry"),
    path("batches/<int:pk>/briefings.zip", views.batch_zip, name="batch_zip"),
    path("batches/<int:pk>/send/", views.batch_send, name="batch_send"),
    path("agreements/<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
]
