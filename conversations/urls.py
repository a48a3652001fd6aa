from django.urls import path

from conversations import views
from conversations.announcements.urls import urlpatterns as announcement_urls

app_name = "conversations"

urlpatterns = [
    path("my/messages/", views.inbox, name="inbox"),
    path("my/messages/<int:pk>/", views.thread, name="thread"),
    path("my/messages/<int:pk>/interpreter/", views.interpreter, name="interpreter"),
]
urlpatterns += announcement_urls
