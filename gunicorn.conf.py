"""gunicorn's settings for Coplan, read from the working directory by `gunicorn coplan.wsgi`
(command-line options win over them).

Threaded workers keep a client's connection open between requests (HTTP keep-alive): a phone
or a load balancer sending one record after another does not make a new TCP connection for
each, and a worker waiting on the database can answer its other thread's request meanwhile.
Measured with `make load` on 2 cores (bench/load): 2 workers of 2 threads stored about a
quarter more records per second than 4 single-threaded sync workers, each request closing its
connection. Each thread holds its own database connection: workers x threads per server.
"""

import os

workers = int(os.environ.get("WEB_WORKERS", str(os.cpu_count() or 2)))  # one per core
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "2"))
# A little longer than a phone's pause between two taps; a load balancer's idle timeout to
# its servers should be longer still, so the server is the one that closes.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))
