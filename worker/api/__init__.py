"""Read API (FastAPI): `create_app(settings)` in worker.api.app, served by `newsworker serve`."""
