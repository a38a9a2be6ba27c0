from django.apps import AppConfig


class FixtureAppConfig(AppConfig):
    name = "fixture_app"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        # Forms and channels register on import; server functions are found by
        # izana's own discovery (the `clients` layer of every project app).
        import os

        from fixture_app import forms, ws_channels  # noqa: F401
        from izana.setup import izana_clients, izana_module

        izana_clients()
        # The package's own token issuers: jwt_obtain, jwt_refresh, mwt_obtain.
        izana_module("izana.jwt.functions")
        if os.environ.get("FIXTURE_VARIANT") == "round2":
            izana_module("fixture_app.round2")
