from django.urls import path  # noqa: F401

from signups.volunteering import urls as volunteering

app_name = "signups"

urlpatterns = []
urlpatterns += volunteering.urlpatterns
