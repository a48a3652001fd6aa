"""Uploaded files as Django serves them when DEBUG is on (`make run`); in production the proxy
serves /media/ with the same headers (deploy/nginx.conf). RELIABILITY A5."""

from django.conf import settings
from django.urls import path
from django.views.static import serve

# The only kinds of upload the portal keeps, by the extension schools.audio chose for them.
# deploy/nginx.conf carries the same list: change both together.
AUDIO_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "opus": "audio/ogg",
    "webm": "audio/webm",
}
# Whatever else is found under MEDIA_ROOT (a file stored before uploads were checked, say
# guide-audio/1/es.js) comes back as bytes to download, never as a page or a script.
OTHER_TYPE = "application/octet-stream"


def content_type_for(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    return AUDIO_TYPES.get(extension, OTHER_TYPE)


def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response.headers.pop("Content-Encoding", None)
    response["Content-Type"] = content_type_for(path)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, a file gets a unique origin with no script: even a file that slipped
    # through cannot act as the portal. Playing it in an <audio> element is unaffected.
    response["Content-Security-Policy"] = "sandbox"
    return response


def urlpatterns():
    return [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media)]
