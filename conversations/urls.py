from django.urls import path  # noqa: F401

from conversations.announcements.urls import urlpatterns as announcement_urls

app_name = "conversations"

urlpatterns = []
urlpatterns += announcement_urls
