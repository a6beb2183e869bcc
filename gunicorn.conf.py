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


def _cpus() -> int:
    """The CPUs this process may run on (Linux), or the machine's. A container's CPU quota
    is not seen: set WEB_WORKERS there."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 2


workers = int(os.environ.get("WEB_WORKERS", str(_cpus())))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "2"))
# Longer than a load balancer's idle timeout to its servers (AWS's is 60 s, nginx's upstream
# keep-alive 60 s), so the balancer closes an idle connection first and never sends a request
# on one the server has just closed.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
# gunicorn 27 opens a control socket at one path in the home directory, shared by every
# server on the machine; Coplan does not use it.
control_socket_disable = True
