"""gunicorn configuration that profiles the exchange's submissions inside its workers: the
shipped configuration with sync workers (one request at a time, so one profiler a worker sees
each request whole), plus cProfile on a CPU clock around every POST /api/messages, written
per worker to $BENCH_PROFILE_DIR/worker-<pid>.stats when the worker exits. Read them with
`python -m pstats` or `pstats.Stats(*files)`:

    BENCH_PROFILE_DIR=/tmp/prof .venv/bin/gunicorn -c benchmarks/profile_conf.py \\
        'mock_gateway:create_app()'   # then load it (bench_exchange.py's load) and stop it
"""
import os

from mock_gateway.gunicorn_conf import *  # noqa: F401,F403  (the shipped settings)

worker_class, threads = "sync", 1


def post_fork(server, worker):
    import cProfile
    import time
    worker.profile = cProfile.Profile(time.process_time)


def pre_request(worker, req):
    if req.method == "POST" and req.path == "/api/messages":
        worker.profile.enable()


def post_request(worker, req, environ, resp):
    worker.profile.disable()


def worker_exit(server, worker):
    folder = os.environ.get("BENCH_PROFILE_DIR", ".")
    worker.profile.dump_stats(os.path.join(folder, f"worker-{os.getpid()}.stats"))
