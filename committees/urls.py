from django.urls import path

from committees import views

app_name = "committees"

urlpatterns = [
    # /committees/<pk>/
    path("committees/<int:pk>/", views.committee_detail, name="committee"),
]
