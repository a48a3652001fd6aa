from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    # /<lang>/reports/…
    path("reports/", views.overview, name="overview"),
    path("reports/languages/", views.languages, name="languages"),
    path("reports/schools/", views.schools, name="schools"),
    path("reports/events/", views.events, name="events"),
    path("reports/events/<int:pk>/", views.event, name="event"),
    path("reports/committees/", views.committees, name="committees"),
    path("reports/coverage/", views.coverage, name="coverage"),
]
