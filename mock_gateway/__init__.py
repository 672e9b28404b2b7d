"""The mock exchange: a Flask service with sessions, party mailboxes, the hubs' refusals, a
journal and an admin API. `create_app(config)` is the app factory; under gunicorn:
`gunicorn -w 4 'mock_gateway:create_app()'` (configuration from KETENTEST_* variables)."""
from .app import create_app
from .config import Config

__all__ = ["create_app", "Config"]
