from django.urls import path

from . import views, views_ak1

app_name = "layanan"

urlpatterns = [
    path("", views.daftar, name="daftar"),
    path("<int:pk>/periksa/", views.periksa, name="periksa"),
    path("<int:pk>/periksa/nik/", views.periksa_nik, name="periksa_nik"),
    path("<int:pk>/periksa/izin/", views.minta_izin, name="minta_izin"),
    path("<int:pk>/periksa/catat/", views.catat_hasil, name="catat_hasil"),
    path("<int:pk>/transisi/", views.transisi, name="transisi"),
    path("<int:pk>/tutup/", views.tutup, name="tutup"),
    path("<int:pk>/pelatihan/", views.pelatihan_daftar, name="pelatihan_daftar"),
    path("<int:pk>/sertifikat/", views.sertifikat, name="sertifikat"),
    path("<int:pk>/penempatan/", views.penempatan, name="penempatan"),
    path("<int:pk>/pemohon/", views_ak1.pemohon_simpan, name="pemohon_simpan"),
    path("<int:pk>/ak1.pdf", views_ak1.kartu_pdf, name="kartu_pdf"),
    path("pemohon/<int:pemohon_pk>/cetak/", views_ak1.pemohon_cetak, name="pemohon_cetak"),
    path("pemohon/<int:pemohon_pk>/tarik/", views_ak1.pemohon_tarik, name="pemohon_tarik"),
    path("lapor-diri/", views_ak1.lapor_diri, name="lapor_diri"),
    path("<int:pk>/perbaikan/", views.perbaikan, name="perbaikan"),
    path("bantuan/gangguan-dukcapil/", views.bantuan_gangguan, name="bantuan_gangguan"),
]
