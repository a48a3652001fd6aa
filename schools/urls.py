from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("", views.home, name="home"),
    # /districts/<slug>/: portal.pages.district_detail, added to this namespace in portal/urls.py.
    # /schools/<slug>/…
    path("schools/<slug:slug>/", views.school_detail, name="school"),
    path("schools/<slug:school>/guides/<slug:slug>/", views.guide_detail, name="guide"),
]
