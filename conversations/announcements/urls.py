from django.urls import path

from conversations.announcements import views

# Included in conversations/urls.py (namespace "conversations").
urlpatterns = [
    path("my/announcements/", views.announcements, name="announcements"),
]
