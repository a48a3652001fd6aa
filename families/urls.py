from django.urls import path

from families import views

app_name = "families"

urlpatterns = [
    # /my/… : the family's own pages
    # "my/" (name "home") is portal.pages.family_home, added in portal/urls.py.
    path("my/start/", views.setup, name="setup"),
    path("my/profile/", views.profile, name="profile"),
    path("my/schools/join/", views.join, name="join"),
    path("my/pass/", views.family_pass, name="pass"),
    path("my/data/", views.my_data, name="data"),
    path("my/data.json", views.my_data_json, name="data_json"),
    path("my/erase/", views.erase, name="erase"),
    # public
    path("schools/<slug:slug>/write/", views.feedback, name="feedback"),
    path("privacy/", views.privacy, name="privacy"),
    # staff at the door and helpers
    path("front-desk/", views.front_desk, name="front_desk"),
    path("assist/", views.assist, name="assist"),
    path("assist/<int:pk>/", views.assisted, name="assisted"),
]
