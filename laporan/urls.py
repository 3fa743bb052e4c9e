from django.urls import path

from . import views

app_name = "laporan"

urlpatterns = [
    path("", views.report_list, name="daftar"),
    path("<int:year>/<int:half>/", views.report_download, name="unduh"),
]
