"""Django's database sessions, each request's read and write done with one plain statement.

The 15-minute idle timeout saves the session on every request (SESSION_SAVE_EVERY_REQUEST),
so a request loads it and saves it; through the ORM each of the two costs about 1.3 ms of CPU.
Same table, encoding, expiry and errors as `django.contrib.sessions.backends.db`: only the
read of a session and the update of an existing one are written out; creating, deleting and
everything else is Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        """The session's data while it has not expired; else empty, and a new key on save."""
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        expire_date = model._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connection)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT session_data FROM {table} "  # noqa: S608
                           "WHERE session_key = %s AND expire_date > %s", [self.session_key, expire_date])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def save(self, must_create: bool = False) -> None:
        """Update the existing row (UpdateError when it is gone, as Django's); create as Django does."""
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session(no_load=False))  # type: ignore[attr-defined]
        using = router.db_for_write(self.model, instance=obj)
        connection = connections[using]
        expire_date = obj._meta.get_field("expire_date").get_db_prep_value(obj.expire_date, connection)
        table = connection.ops.quote_name(obj._meta.db_table)
        try:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET session_data = %s, expire_date = %s "  # noqa: S608
                               "WHERE session_key = %s", [obj.session_data, expire_date, obj.session_key])
                updated = cursor.rowcount
        except IntegrityError:
            raise
        except DatabaseError as exc:
            raise UpdateError from exc
        if not updated:
            raise UpdateError
        return None
