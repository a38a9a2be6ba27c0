from django.urls import include, path

urlpatterns = [
    path("api/izana/", include("izana.urls")),
]
