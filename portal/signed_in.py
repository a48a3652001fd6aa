"""What every signed-in request reads before its view: one statement, not four.

A signed-in page used to pay, before its view ran, for the session's existence check
(portal.sessions), the user row (an ORM query whose compiling cost more CPU than the
database's answer), the user's staff roles (the second factor asks) and, on family pages,
the family row (families.views.family_required). The session store now reads all of them
with its existence check, in one plain statement (read), whenever the Redis copy it found
names a user; AuthenticationMiddleware below builds request.user from that row.

Everything django.contrib.auth.get_user promises is kept, line for line (get_user): the
session's backend must still be listed in AUTHENTICATION_BACKENDS, an inactive login is
anonymous (the backend's own user_can_authenticate), the session auth hash is verified (a
password change ends the other sessions, a fallback secret cycles the session), and the
session is flushed exactly where Django flushes it. The row is used only when the backend
reads users as ModelBackend does; any other backend, a session read from the database
(a Redis miss, Redis down, or SQLite's `make run`) and the async path get Django's own.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.backends import ModelBackend
from django.db import connections
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from families.models import READ_WITH_SESSION
from schools.access import remember_role_kinds


@dataclass(frozen=True)
class SignedIn:
    """The rows read with the session's existence check."""

    user_id: object
    user: object  # the User, None when the login no longer exists


class _Part:
    """The columns one model contributes to the statement, and how to turn them into it."""

    def __init__(self, model, alias: str, connection):
        self.model = model
        self.alias = alias
        self.fields = tuple(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        # Where the primary key is among the columns: NULL there means no row.
        self.pk = self.fields.index(model._meta.pk)
        # The converters the ORM's compiler would apply to each column (SQLite's dates and
        # booleans; none on PostgreSQL for these models), found once.
        self.converters = []
        for index, field in enumerate(self.fields):
            expression = field.get_col(alias)
            found = connection.ops.get_db_converters(expression) + field.get_db_converters(
                connection
            )
            if found:
                self.converters.append((index, expression, found))

    def columns(self, quote) -> list[str]:
        return [f"{self.alias}.{quote(field.column)}" for field in self.fields]

    def build(self, db: str, connection, values) -> object:
        if self.converters:
            values = list(values)
            for index, expression, converters in self.converters:
                for convert in converters:
                    values[index] = convert(values[index], expression, connection)
        return self.model.from_db(db, self.attnames, values)


@cache
def _statement(db: str, session_model) -> tuple[str, _Part, _Part, int]:
    """The statement, built once per process and database from the models' own _meta:
    table and column names only; the user's id, the session key and the time are
    parameters."""
    connection = connections[db]
    quote = connection.ops.quote_name
    user = _Part(get_user_model(), "u", connection)
    family_model = apps.get_model("families", "Family")
    family = _Part(family_model, "f", connection)
    role_model = apps.get_model("schools", "StaffRole")
    session = session_model._meta

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    def table(model):
        return quote(model._meta.db_table)

    user_pk = quote(user.model._meta.pk.column)
    # LEFT JOINs: a session whose login is gone still answers (one row, the user's columns
    # NULL: anonymous, as Django's backend answers); a family or staff roles are optional.
    # The family is the active one (not erased); a user has at most one (a one-to-one). A
    # staff member with several roles gives one row for each.
    sql = (
        f"SELECT {', '.join([*user.columns(quote), *family.columns(quote)])}, "  # noqa: S608
        f"r.{column(role_model, 'kind')} "
        f"FROM {quote(session.db_table)} s "
        f"LEFT JOIN {table(user.model)} u ON u.{user_pk} = %s "
        f"LEFT JOIN {table(family_model)} f ON f.{column(family_model, 'user')} = u.{user_pk} "
        f"AND f.{column(family_model, 'erased_at')} IS NULL "
        f"LEFT JOIN {table(role_model)} r ON r.{column(role_model, 'user')} = u.{user_pk} "
        f"WHERE s.{quote(session.get_field('session_key').column)} = %s "
        f"AND s.{quote(session.get_field('expire_date').column)} > %s"
    )
    return sql, user, family, len(user.fields)


def read(store, db: str, data: dict, now) -> SignedIn | None:
    """The session's row still exists and has not expired (None when not), read together
    with the login its data names, that login's active family and its staff roles."""
    user_model = get_user_model()
    user_id = user_model._meta.pk.to_python(data[SESSION_KEY])
    sql, user_part, family_part, width = _statement(db, store.model)
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [user_id, store.session_key, connection.ops.adapt_datetimefield_value(now)]
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    if first[user_part.pk] is None:  # the login was deleted (an erasure): no user
        return SignedIn(user_id, None)
    user = user_part.build(db, connection, first[:width])
    family_values = first[width:-1]
    family = None
    if family_values[family_part.pk] is not None:
        family = family_part.build(db, connection, family_values)
    setattr(user, READ_WITH_SESSION, family)
    remember_role_kinds(user, {row[-1] for row in rows if row[-1] is not None})
    return SignedIn(user_id, user)


def _backend_user(session, backend, user_id):
    """backend.get_user(user_id), from the row read with the session when there is one."""
    found = getattr(session, "signed_in", None)
    if (
        found is None
        or found.user_id != user_id
        # Only a backend that reads users as ModelBackend does (allauth's is one).
        or type(backend).get_user is not ModelBackend.get_user
    ):
        return backend.get_user(user_id)
    if found.user is None:
        return None
    return found.user if backend.user_can_authenticate(found.user) else None


def get_user(request):
    """django.contrib.auth.get_user (Django 6.1), unchanged but for where the user row comes
    from (_backend_user). tests/portal/test_signed_in_request.py fails when Django's
    changes, so that this copy is read again on an upgrade."""
    from django.contrib.auth.models import AnonymousUser

    user = None
    try:
        user_id = get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = load_backend(backend_path)
            user = _backend_user(request.session, backend, user_id)
            # Verify the session
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    session_hash_verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
                if not session_hash_verified:
                    # If the current secret does not verify the session, try with the
                    # fallback secrets and stop when a matching one is found.
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback_auth_hash)
                        for fallback_auth_hash in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None

    return user or AnonymousUser()


def _cached_user(request):
    # As django.contrib.auth.middleware.get_user: once per request.
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with request.user built by get_user above (the admin's check accepts a
    subclass); request.auser stays Django's own."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))
