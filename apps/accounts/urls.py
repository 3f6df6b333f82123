from django.contrib.auth import views as auth_views
from django.urls import path

from apps.accounts import views
from apps.accounts.forms import ForgotPasswordForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", views.LogOutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("audit/", views.audit_trail, name="audit_trail"),
    # "Forgot your password?": a link by e-mail to choose a new one (Django's views, open to anonymous users).
    path("reset/", auth_views.PasswordResetView.as_view(
        form_class=ForgotPasswordForm, email_template_name="emails/password_reset.txt",
        subject_template_name="emails/password_reset_subject.txt"), name="password_reset"),
    path("reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    # The invitation e-mail's link, and the one above: choose a password.
    path("reset/<uidb64>/<token>/", views.ChooseNewPasswordView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
