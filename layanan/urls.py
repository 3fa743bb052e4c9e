from django.urls import path

from . import views

app_name = "layanan"

urlpatterns = [
    path("", views.daftar, name="daftar"),
    path("<int:pk>/periksa/", views.periksa, name="periksa"),
    path("<int:pk>/periksa/nik/", views.periksa_nik, name="periksa_nik"),
    path("<int:pk>/periksa/izin/", views.minta_izin, name="minta_izin"),
    path("<int:pk>/periksa/catat/", views.catat_hasil, name="catat_hasil"),
    path("<int:pk>/transisi/", views.transisi, name="transisi"),
    path("<int:pk>/tutup/", views.tutup, name="tutup"),
    path("<int:pk>/perbaikan/", views.perbaikan, name="perbaikan"),
    path("bantuan/gangguan-dukcapil/", views.bantuan_gangguan, name="bantuan_gangguan"),
]
