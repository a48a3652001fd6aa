from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("", views.home, name="home"),
    # /districts/<slug>/: portal.pages.district_detail, added to this namespace in portal/urls.py.
    # /schools/<slug>/…
    # "schools/<slug>/" (name "school") is portal.pages.school_detail, added in portal/urls.py.
    path("schools/<slug:school>/guides/<slug:slug>/", views.guide_detail, name="guide"),
]
