"""Create the fixed users and fixed-key sessions the recorder authenticates with."""
from datetime import datetime, timezone

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand

USERS = [
    # pk, username, password, is_staff, is_superuser
    (1, "alice", "alice-password", False, False),
    (2, "sam", "sam-password", True, False),
    (3, "root", "root-password", True, True),
]

# Fixed session keys so the Cookie header of every recorded request is stable.
SESSION_KEYS = {
    "alice": "interopsessionalice000000000000a",
    "sam": "interopsessionsam00000000000000s",
    "root": "interopsessionroot0000000000000r",
}


class Command(BaseCommand):
    help = "Seed the interop fixture database."

    def handle(self, *args, **options):
        User = get_user_model()
        for pk, username, password, staff, superuser in USERS:
            user = User(pk=pk, username=username, is_staff=staff, is_superuser=superuser)
            user.set_password(password)
            user.save()
            data = SessionStore().encode(
                {
                    "_auth_user_id": str(pk),
                    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                    "_auth_user_hash": user.get_session_auth_hash(),
                }
            )
            Session.objects.create(
                session_key=SESSION_KEYS[username],
                session_data=data,
                expire_date=datetime(2099, 1, 1, tzinfo=timezone.utc),
            )
        self.stdout.write("seeded")
