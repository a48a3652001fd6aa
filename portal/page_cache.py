"""A shared cache for the public pages most families read (school, guide, event, district):
the same bytes for every visitor without a login, rendered once per language and address.

Rendering these pages costs 10–25 ms of CPU (hundreds of translated columns, dates, links);
serving them from Redis costs about as much as the smallest Django view (bench/pages.py).
Any change to a school, guide, event or committee bumps one generation number, which
retires every cached page at once; entries also expire after PAGE_CACHE_SECONDS, so a
finished event leaves the lists in time. Personal pages are never stored: the page must be
a GET without a query, for a visitor with no session and no pending message, and the
response must set no cookie. A page with a form (the language picker) is stored with its
CSRF token taken out; each visitor gets a fresh token of their own put back in.

Signed-in families read the same pages with parts of their own (their answer, their name,
the header's links): for them, `public_part` keeps the parts every visitor sees alike (a
template's `{% public_part %}` block), under the same generation and for as long, so a
staff edit retires them with the pages. A part depends only on the address, the language
and public content, and never holds a form (a part with a CSRF token is not stored).

Most parents read signed in, so a signed-in family's own pages (the event, school and guide
pages with their answer, My page, the pass) are kept too, whole, for that person alone
(`family_page`, and `public_page` for a signed-in visitor): under the content's generation,
the places' when the page shows places left, and a counter of the person's own
(`people_changed`) that every change to their rows bumps. portal.apps connects it to every
model that points at a person or a family; an app that writes such rows with update() calls
people_changed itself. Staff pages are never kept: their roles and second factor live in
more places than their rows.
"""

import contextlib
import hashlib
import logging
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.safestring import mark_safe
from redis.exceptions import RedisError

TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')
TOKEN_SLOT = b"\\1\x00csrf\x00\\2"

GENERATION_KEY = "page-cache:generation"
# One per signed-in person (their user id): bumped by every change to their rows.
PERSON_KEY = "page-cache:person:{}"
# Bumped by every change to an answer (events.Rsvp): the parts that say how many places
# are left are kept under it too, beside the content's generation.
PLACES_KEY = "page-cache:places"
# One per event, bumped by the answers to that event alone: an event's page shows its own
# places left, so the morning's thousands of answers to other events leave it kept.
EVENT_PLACES_KEY = "page-cache:places:event:{}"
log = logging.getLogger("portal.page_cache")


# The cache is a help, never a dependency: with Redis down, pages render afresh and staff
# can still save (a missed retirement is bounded by PAGE_CACHE_SECONDS).
CACHE_DOWN = (RedisError, OSError)


def content_changed(**kwargs) -> None:
    """Signal receiver: retire every cached page now, and again once the change is
    committed (a page rendered in between from the old rows would otherwise stay)."""
    _bump()
    transaction.on_commit(_bump)


def places_changed(instance=None, **kwargs) -> None:
    """Signal receiver for answers: retire the parts that show places left (an answer, a
    cancellation, a move up from the waiting list), now and at commit, as content_changed:
    every list of events (PLACES_KEY) and the answered event's own pages."""
    counters = [PLACES_KEY]
    if instance is not None and getattr(instance, "event_id", None) is not None:
        counters.append(EVENT_PLACES_KEY.format(instance.event_id))
    for counter in counters:
        _bump(counter)
    transaction.on_commit(lambda: [_bump(counter) for counter in counters])


def people_changed(user_ids) -> None:
    """Retire the kept pages of these people (user ids; None is skipped), now and once the
    change is committed, as content_changed."""
    counters = [PERSON_KEY.format(pk) for pk in set(user_ids) if pk is not None]
    if not counters or not getattr(settings, "PAGE_CACHE_SECONDS", 0):
        return
    for counter in counters:
        _bump(counter)
    transaction.on_commit(lambda: [_bump(counter) for counter in counters])


def _bump(counter: str = GENERATION_KEY) -> None:
    try:
        try:
            cache.incr(counter)
        except ValueError:
            cache.add(counter, 2, timeout=None)
    except CACHE_DOWN as error:
        log.warning("page_cache.unavailable error=%s", type(error).__name__)


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _key(request) -> str:
    path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    return f"page-cache:v3:{translation.get_language()}:{path}"


def _current(key: str, counters=(GENERATION_KEY,)):
    """(the current generation, the entry stored under key if rendered in it, else None).
    One round trip: an entry is stored with the generation it was rendered in (the value
    of each counter), and an older one is a miss."""
    found = cache.get_many([*counters, key])
    generation = []
    for counter in counters:
        value = found.get(counter)
        if value is None:
            cache.add(counter, 1, timeout=None)
            value = cache.get(counter, 1)
        generation.append(value)
    generation = tuple(generation)
    cached = found.get(key)
    return generation, cached if isinstance(cached, tuple) and cached[0] == generation else None


def _places(places, kwargs) -> tuple:
    """The places counter a page is kept under: none, every answer's (places=True), or the
    answers to one event, named by the view's argument (places="pk")."""
    if places is True:
        return (PLACES_KEY,)
    if places:
        return (EVENT_PLACES_KEY.format(kwargs[places]),)
    return ()


def public_page(view=None, *, places: bool | str = False):
    """Serve the view's page from the shared cache to visitors without a login, and a
    signed-in family's own copy to them (personal_page). places=True: the page shows places
    left, so every answer retires it too; places="pk": it shows one event's places left (the
    event's id is the view's argument pk), so only that event's answers retire it."""
    if view is None:
        return lambda view: public_page(view, places=places)
    personal = personal_page(view, places=places)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not getattr(settings, "PAGE_CACHE_SECONDS", 0) or not _cacheable_request(request):
            return personal(request, *args, **kwargs)
        counters = (GENERATION_KEY, *_places(places, kwargs))

        def stored(response):
            # Asked again after the view: a page shown to a logged-in person (with its
            # "Staff" link, its name) is never stored, even if the view logged someone in.
            if not _plain(response) or request.user.is_authenticated:
                return None
            content = response.content
            if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                content = TOKEN_FIELD.sub(TOKEN_SLOT, content)
            return content, response["Content-Type"]

        return _kept(
            _key(request),
            counters,
            lambda: view(request, *args, **kwargs),
            stored,
            lambda content, content_type: _from_cache(request, content, content_type),
        )

    return wrapper


def _plain(response) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def _kept(key: str, counters: tuple, render, stored, served):
    """What is kept under key if it was rendered under the counters' current values, as
    served(what stored gave); else render() it, and keep what stored(rendered) gives (a
    tuple; None keeps nothing)."""
    try:
        generation, cached = _current(key, counters)
    except CACHE_DOWN as error:
        log.warning("page_cache.unavailable error=%s", type(error).__name__)
        return render()
    if cached is not None:
        return served(*cached[1:])
    rendered = render()
    value = stored(rendered)
    if value is not None:
        # Served all the same when Redis is down; the next visitor tries again.
        with contextlib.suppress(*CACHE_DOWN):
            cache.set(key, (generation, *value), settings.PAGE_CACHE_SECONDS)
    return rendered


def personal_page(view=None, *, places: bool | str = False):
    """Serve a signed-in family its own page as it was last rendered for it, while nothing
    it shows has changed: the content (GENERATION_KEY), their own rows (their PERSON_KEY)
    and the answers it shows places for (as public_page). Kept PAGE_CACHE_SECONDS
    at most, which bounds what time alone changes (an answer deadline passing)."""
    if view is None:
        return lambda view: personal_page(view, places=places)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not getattr(settings, "PAGE_CACHE_SECONDS", 0) or not _personal_request(request):
            return view(request, *args, **kwargs)
        person = request.user.pk
        path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
        key = f"page-cache:personal:v1:{person}:{translation.get_language()}:{path}"
        counters = (GENERATION_KEY, PERSON_KEY.format(person), *_places(places, kwargs))

        def stored(response):
            # Only a plain read: a page that set a cookie, showed a message or changed the
            # session is this request's alone, and the person must still be the same one.
            if not _plain(response) or request.session.modified or request.user.pk != person:
                return None
            # The form's token is put back fresh at each serving, as for public pages.
            return TOKEN_FIELD.sub(TOKEN_SLOT, response.content), response["Content-Type"]

        return _kept(
            key,
            counters,
            lambda: view(request, *args, **kwargs),
            stored,
            lambda content, content_type: _from_cache(request, content, content_type),
        )

    return wrapper


def is_persons_key(key: str, user_id: int) -> bool:
    """Whether this cache key holds a page kept for this person, or their counter (an
    erasure deletes them with the rest of the person's keys)."""
    return f"page-cache:personal:v1:{user_id}:" in key or key.endswith(PERSON_KEY.format(user_id))


def _personal_request(request) -> bool:
    """A signed-in family reading a page: a GET without a query and no message waiting.
    Staff are never served a kept page: what their pages show hangs on their roles, their
    second factor and their session, not only on rows that point at them."""
    user = request.user
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and user.is_authenticated
        and not user.is_staff
        and not user.is_superuser
        # A cookie the browser was told to delete may still come back empty.
        and not request.COOKIES.get("messages")
        and "_messages" not in request.session
    )


def _from_cache(request, content: bytes, content_type: str) -> HttpResponse:
    if b"\x00csrf\x00" in content:
        # get_token() masks the visitor's own secret and has the CSRF middleware set its cookie.
        content = content.replace(b"\x00csrf\x00", get_token(request).encode())
    return HttpResponse(content, content_type=content_type)


def public_part(request, name: str, render, places: bool = False) -> str:
    """A part of a page that is the same for every visitor of this address in this
    language, from the cache; render() makes it when the cache has none of this
    generation. A part that shows places left (places=True) is also retired by every
    change to an answer."""
    if not getattr(settings, "PAGE_CACHE_SECONDS", 0):
        return render()
    path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    key = f"page-part:v2:{translation.get_language()}:{path}:{name}"
    counters = (GENERATION_KEY, PLACES_KEY) if places else (GENERATION_KEY,)

    def stored(html):
        # A token belongs to one visitor: a part that holds a form is never shared.
        if "csrfmiddlewaretoken" in html:
            log.error("page_cache.part_with_form name=%s", name)
            return None
        return (str(html),)

    # Our own rendered template, stored as is.
    return _kept(key, counters, render, stored, mark_safe)  # noqa: S308
