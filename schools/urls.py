from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("", views.home, name="home"),
    # /districts/<slug>/
    path("districts/<slug:slug>/", views.district_detail, name="district"),
    # /schools/<slug>/…
    # "schools/<slug>/" (name "school") is portal.pages.school_detail, added in portal/urls.py.
    path("schools/<slug:school>/guides/<slug:slug>/", views.guide_detail, name="guide"),
    # /committees/<pk>/
    path("committees/<int:pk>/", views.committee_detail, name="committee"),
]
