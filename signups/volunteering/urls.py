from django.urls import path

from signups.volunteering import views

# Included in signups/urls.py (namespace "signups"): /<lang>/schools/<slug>/volunteer/…
urlpatterns = [
    path("schools/<slug:slug>/volunteer/", views.opportunities, name="volunteer"),
    path("schools/<slug:slug>/volunteer/<int:pk>/", views.shift_signup, name="volunteer_shift"),
    path(
        "schools/<slug:slug>/volunteer/<int:pk>/cancel/",
        views.shift_cancel,
        name="volunteer_cancel",
    ),
    # The short link in text messages: the shift's page, in the family's language.
    path("v/<int:pk>", views.short_link, name="volunteer_short"),
]
