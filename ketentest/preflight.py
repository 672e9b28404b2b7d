"""Checks before a command starts its real work, so an operator gets one sentence (and exit
status 2) instead of a traceback per scenario: the exchange answers and accepts the admin
token; the database can be opened."""
from __future__ import annotations

import re

import requests


class NotReady(Exception):
    """What is not there, and what to do, in one sentence."""


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    errno = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)  # urllib3 wraps the OS's reason
    if errno:
        return errno.group(1).strip().lower()
    if isinstance(e, requests.Timeout):
        return "no answer in time"
    return text.splitlines()[0] if text else type(e).__name__


def exchange(url: str, admin_token: str | None, timeout: float = 10.0) -> None:
    """The exchange at `url` answers, and takes `admin_token` (when given)."""
    base = url.rstrip("/")
    try:
        requests.get(base + "/openapi.json", timeout=timeout).raise_for_status()
    except requests.RequestException as e:
        raise NotReady(f"the exchange at {url} does not answer ({_first_line(e)}); start it "
                       "(`ketentest serve`) or check --exchange") from None
    if admin_token is None:
        return
    try:
        r = requests.get(base + "/api/sessions", timeout=timeout,
                         headers={"Authorization": f"Bearer {admin_token}"})
    except requests.RequestException as e:
        raise NotReady(f"the exchange at {url} stopped answering ({_first_line(e)})") from None
    if r.status_code == 401:
        raise NotReady(f"the exchange at {url} does not accept this admin token; give the one "
                       "`ketentest serve` printed (--admin-token or KETENTEST_ADMIN_TOKEN)")


def database(text: str, timeout: int = 10) -> None:
    """The database (a SQLite file or a postgresql:// URL) can be opened."""
    from pathlib import Path

    from sqlalchemy import create_engine, text as sql
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from mock_gateway.config import database_url

    try:
        url = database_url(text)
    except ArgumentError as e:
        raise NotReady(f"--database {text!r} is neither a file name nor a database URL "
                       f"({_first_line(e)})") from None
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database or ".").expanduser().resolve().parent
        if not folder.is_dir():
            raise NotReady(f"the database file {text} cannot be made: there is no folder "
                           f"{folder}") from None
        args = {"timeout": timeout}
    else:
        args = {"connect_timeout": timeout}
    try:
        engine = create_engine(url, connect_args=args)
        with engine.connect() as c:
            c.execute(sql("SELECT 1"))
        engine.dispose()
    except (SQLAlchemyError, OSError) as e:
        raise NotReady(f"the database {url.render_as_string(hide_password=True)} cannot be "
                       f"opened: {_first_line(e)}") from None
    except ModuleNotFoundError as e:
        raise NotReady(f"the database {url.render_as_string(hide_password=True)} needs the "
                       f"driver {e.name}, which is not installed") from None
