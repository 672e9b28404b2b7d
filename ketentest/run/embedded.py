"""The exchange for a run without `--exchange`: the real mock exchange (mock_gateway), served
over HTTP on 127.0.0.1 from a thread of this process, on a SQLite file. Everything goes
through HTTP exactly as with a shared exchange; keep the database file and
`ketentest serve --database FILE` shows the run's journal and verdict permalinks again."""
from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path


class EmbeddedExchange:
    def __init__(self, database: Path, port: int = 0):
        from werkzeug.serving import make_server

        from mock_gateway import Config, create_app  # lazily: validate needs no Flask

        self.database = Path(database)
        self.admin_token = secrets.token_urlsafe(24)
        app = create_app(Config(database=str(self.database), admin_token=self.admin_token))
        self._engine = app.extensions["ketentest"].engine
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="ketentest-exchange")
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def engine_dispose(self) -> None:
        """Close the database's connections (so its file may be removed)."""
        self._engine.dispose()

    def __enter__(self) -> "EmbeddedExchange":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
