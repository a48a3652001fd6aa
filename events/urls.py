from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    # /events/<pk>/…
    path("events/<int:pk>/", views.detail, name="detail"),
    # The short link in text messages.
    path("e/<int:pk>", views.short_link, name="short"),
    path("events/<int:pk>/calendar.ics", views.event_ics, name="ics"),
    path("events/<int:pk>/door/", views.door, name="door"),
    path("districts/<slug:slug>/events/", views.district_events, name="district"),
    # /calendar/… : a family's private feed
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("my/calendar/new/", views.new_feed, name="new_feed"),
]
