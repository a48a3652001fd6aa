from django.urls import path

from signups import views
from signups.volunteering import urls as volunteering

app_name = "signups"

urlpatterns = [
    path("schools/<slug:slug>/conferences/", views.conferences, name="conferences"),
    path("schools/<slug:slug>/conferences/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("my/meetings/<int:pk>.ics", views.booking_ics, name="booking_ics"),
    path("my/interpret/", views.offer, name="offer"),
]
urlpatterns += volunteering.urlpatterns
