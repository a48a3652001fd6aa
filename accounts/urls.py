from django.urls import path

from accounts import views

# Ahead of allauth's own URLs: the same addresses, behind a fresh-login check.
urlpatterns = [
    path("phone/change/", views.change_phone, name="account_change_phone"),
    path("email/", views.email, name="account_email"),
    path("confirm-it-is-you/", views.confirm_it_is_you, name="confirm_it_is_you"),
]
