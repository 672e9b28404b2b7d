"""The shipped gunicorn configuration of the exchange:

    gunicorn -c python:mock_gateway.gunicorn_conf 'mock_gateway:create_app()'

Threaded workers (gthread): a client that is slow to send its headers or its body holds one
thread, not a whole worker, and a connection that sends nothing waits in the worker's poller
instead of a thread; the other threads go on serving (tests/test_exchange_serving.py).
Inside a worker one verdict is made at a time (mock_gateway/runtime.py, `Exchange.judging`):
threads wait on clients and the database, and do not contend for the interpreter lock while
judging. Measured against sync workers on the same cores (benchmarks/bench_exchange_scale.py,
README "At scale"), the two serve about as many messages per second, but sync workers let two
slow clients stop the exchange. Eight threads, not four: four stalled connections could then
fill one worker. Put a buffering reverse proxy in front in production (README, "Running it").

Every value can be set from the environment (KETENTEST_BIND, KETENTEST_WORKERS,
KETENTEST_THREADS) or overridden on gunicorn's command line.
"""
import os

bind = os.environ.get("KETENTEST_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KETENTEST_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("KETENTEST_THREADS", "8"))
# a request may take this long (a 25 MB declaratie is judged in seconds, not minutes)
timeout = 120
graceful_timeout = 30
keepalive = 5
# bounds on what a client may send before the application sees it
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190


def post_worker_init(worker):
    """The app is built: what it holds (releases, schemas, rules, the ORM's mappers) lives as
    long as the worker. Kept out of the collector's full passes, which otherwise walk it again
    and again while a large declaratie is judged (a 1 MB 323 allocates ~100,000 objects)."""
    import gc
    gc.collect()
    gc.freeze()
