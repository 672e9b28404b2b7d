"""gunicorn configuration for the benchmarks: the shipped one (mock_gateway/gunicorn_conf.py),
plus, when BENCH_COUNT_DIR is set, a count of judgings and chain-rule runs in every worker
(one byte per call appended to a file: the file's size is the count)."""
import os

from mock_gateway.gunicorn_conf import *  # noqa: F401,F403  (the shipped settings)


def post_fork(server, worker):
    folder = os.environ.get("BENCH_COUNT_DIR")
    if not folder:
        return
    from mock_gateway import delivery

    def counted(fn, name):
        path = os.path.join(folder, name)

        def wrapper(*args, **kwargs):
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            try:
                os.write(fd, b".")
            finally:
                os.close(fd)
            return fn(*args, **kwargs)
        return wrapper

    delivery.prepare_submission = counted(delivery.prepare_submission, "prepared")
    delivery.complete = counted(delivery.complete, "chained")
