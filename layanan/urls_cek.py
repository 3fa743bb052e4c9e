"""The AK/1 QR check page, mounted on its own so that a public host can serve this and nothing else."""

from django.urls import path

from . import views_ak1

urlpatterns = [path("", views_ak1.ak1_cek, name="ak1_cek")]
