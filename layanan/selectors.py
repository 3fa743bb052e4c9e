"""Reads of the counter's own records for the officer's day: the open requests and the local search.

Only Disnaker's own rows (`Permohonan`, `Pemohon`) are read; a NIK is searched by the keyed hash it
is stored under. Nothing here asks Dukcapil.
"""

from __future__ import annotations

import re

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from verifikasi.selectors import nik_search_key

from .models import Pemohon, Permohonan
from .workflow import OPEN_STATES

PAGE_SIZE = 25
_NOMOR = re.compile(r"P-[0-9-]*", re.IGNORECASE)
MIN_NAME_QUERY = 3
MAX_NAME_MATCHES = 1000  # applicants; beyond that the officer narrows the name


def open_requests() -> QuerySet[Permohonan]:
    """Every officer's open requests, oldest first (the partial index `permohonan_terbuka_umur`)."""
    return Permohonan.objects.filter(status__in=OPEN_STATES).order_by("dibuka_pada", "pk")


def requests_page(requests: QuerySet[Permohonan], number: str | None) -> Page[Permohonan]:
    """One page of `requests` (PAGE_SIZE rows), with applicant and opener.

    The page is cut from the ids alone (an index-only scan however deep the page), then only its
    rows are read with their joins: a deep page costs no more joins than the first.
    """
    ids_page: Page[int] = Paginator(requests.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(ids_page.object_list)
    rows = Permohonan.objects.select_related("pemohon", "dibuka_oleh").in_bulk(ids)
    return Page([rows[pk] for pk in ids if pk in rows], ids_page.number, ids_page.paginator)  # type: ignore[arg-type]


def requests_search(query: str) -> tuple[QuerySet[Permohonan], str]:
    """Requests by number (or its beginning), applicant's NIK (16 digits, by its keyed hash) or
    applicant's name (part of it, at least MIN_NAME_QUERY letters); newest first. Empty otherwise.

    Returns the requests and a note for the officer ("" or why the list is cut short).
    """
    text = " ".join(query.split())
    found = Permohonan.objects.order_by("-dibuka_pada", "-pk")
    if key := nik_search_key(text):
        applicants = list(Pemohon.objects.filter(nik_hmac=key).values_list("pk", flat=True))
        return found.filter(Q(nik_hmac=key) | Q(pemohon_id__in=applicants)), ""
    if _NOMOR.fullmatch(text):
        return found.filter(nomor__startswith=text.upper()), ""
    if len(text) >= MIN_NAME_QUERY and not text.isdigit():
        # The applicants matched first (the trigram index on PostgreSQL), then their requests by the
        # pemohon_id index: never a join over every request.
        applicants = list(Pemohon.objects.filter(nama_lengkap__icontains=text).order_by("-pk")
                          .values_list("pk", flat=True)[:MAX_NAME_MATCHES + 1])
        note = ""
        if len(applicants) > MAX_NAME_MATCHES:
            applicants = applicants[:MAX_NAME_MATCHES]
            note = (f"Lebih dari {MAX_NAME_MATCHES} pemohon cocok dengan nama ini; yang ditampilkan hanya permohonan "
                    f"{MAX_NAME_MATCHES} pemohon terbaru. Persempit kata kunci (nama lengkap, atau NIK).")
        return found.filter(pemohon_id__in=applicants), note
    return found.none(), ""
