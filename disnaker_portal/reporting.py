"""Error reports (mails to ADMINS, the debug page) never show a frame's local variables.

A frame handling a lookup holds Dukcapil's answer in memory; Django's default
filter would print it into the error mail. This filter hides every local and
every POST value.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter


class NoValuesFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DUKCAPIL|AUDIT|EMAIL|DATABASE",
                                 flags=re.IGNORECASE)

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}
