import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixture_project.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

http_app = get_asgi_application()

from izana import wrap_asgi  # noqa: E402

application = wrap_asgi(http_app)
