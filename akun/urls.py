from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "akun"

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("masuk/kode/", views.otp_verify, name="otp"),
    path("masuk/daftar-autentikator/", views.otp_enrol, name="otp_daftar"),
    path("loket/", views.loket, name="loket"),
    path("pengelola/", views.pengelola, name="pengelola"),
    path("kepala/", views.kepala, name="kepala"),
    path("berkas/nda/<int:pk>/", views.nda_berkas, name="nda_berkas"),
    path("berkas/sptjm/<int:pk>/", views.sptjm_berkas, name="sptjm_berkas"),
]
