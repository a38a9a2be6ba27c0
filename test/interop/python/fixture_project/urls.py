import os

from django.urls import include, path

urlpatterns = []
if os.environ.get("FIXTURE_VARIANT") == "round2":
    from fixture_app.routes import route_view

    # Django serves a route= function on its own path by running izana's executor, as /call/ does.
    urlpatterns.append(path("api/izana/shelf/<int:book_id>/touch/", route_view("touch_shelf")))
urlpatterns.append(path("api/izana/", include("izana.urls")))
