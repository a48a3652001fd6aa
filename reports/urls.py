from django.urls import path

from reports.pages.committees import committees
from reports.pages.conferences import conferences
from reports.pages.coverage import coverage
from reports.pages.event import event
from reports.pages.events import events
from reports.pages.languages import languages
from reports.pages.overview import overview
from reports.pages.schools import schools

app_name = "reports"

urlpatterns = [
    # /<lang>/reports/…
    path("reports/", overview, name="overview"),
    path("reports/languages/", languages, name="languages"),
    path("reports/schools/", schools, name="schools"),
    path("reports/events/", events, name="events"),
    path("reports/events/<int:pk>/", event, name="event"),
    path("reports/committees/", committees, name="committees"),
    path("reports/conferences/", conferences, name="conferences"),
    path("reports/coverage/", coverage, name="coverage"),
]
