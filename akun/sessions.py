"""Database sessions whose idle expiry is renewed at most once a minute.

SESSION_SAVE_EVERY_REQUEST keeps a session alive for SESSION_COOKIE_AGE counted from the
last request. Writing the row on every request (every lookup) only moves its expiry by
seconds; this store skips the write while the stored expiry is within RENEW_AFTER of a
full renewal, so a session idles out between 14 and 15 minutes after the last request
instead of exactly 15. A session whose data changed is always written.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

RENEW_AFTER = dt.timedelta(seconds=60)


class SessionStore(DatabaseSessionStore):
    stored_expiry: dt.datetime | None = None

    def _get_session_from_db(self) -> Session | None:
        session = super()._get_session_from_db()  # type: ignore[misc]  # Django API the stubs omit
        self.stored_expiry = session.expire_date if session is not None else None
        return session

    def _renewal_due(self) -> bool:
        if self.stored_expiry is None:
            return True
        full = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        return self.stored_expiry - timezone.now() < full - RENEW_AFTER

    def save(self, must_create: bool = False) -> None:
        if not must_create and not self.modified and not self._renewal_due():
            return  # read this request, unchanged, renewed less than a minute ago
        super().save(must_create=must_create)
        self.stored_expiry = self.get_expiry_date()
