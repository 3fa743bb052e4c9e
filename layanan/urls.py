from django.urls import path

from . import views

app_name = "layanan"

urlpatterns = [
    path("", views.daftar, name="daftar"),
    path("<int:pk>/periksa/", views.periksa, name="periksa"),
    path("<int:pk>/tutup/", views.tutup, name="tutup"),
]
