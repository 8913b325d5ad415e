"""Debian's nginx serving a built site with deploy/nginx.conf, for tests
(tests/test_nginx.py, tests/browser/test_search.py).

nginx runs as the test's user where it can: its configuration, pid file,
logs and temporary folders are in a temporary folder, and it listens on a
free port of 127.0.0.1.  `make test` installs nginx and the module (Makefile,
system-packages).  Without them the tests are skipped, except in CI, where a
missing nginx fails them."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest

from sitebuild import ROOT

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)
BROTLI_MODULE = next((p for p in ("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so",
                                  "/usr/share/nginx/modules/ngx_http_brotli_static_module.so") if os.path.exists(p)), None)
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")
MIME_TYPES = next((p for p in ("/etc/nginx/mime.types", "/usr/local/etc/nginx/mime.types") if os.path.exists(p)), None)

CONFIG = """\
load_module {module};
{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        include {snippet};
    }}
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def skip_without_nginx():
    """Skip the test (fail it in CI) when nginx or its module is missing."""
    missing = [what for what, found in (("nginx", NGINX), ("the brotli static module", BROTLI_MODULE),
                                        ("nginx's mime.types", MIME_TYPES)) if not found]
    if missing:
        message = f"{', '.join(missing)} not installed (make test installs them: Makefile, system-packages)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def running_nginx(root, folder):
    """`with running_nginx(site root, empty folder) as url:` nginx serving the
    site with deploy/nginx.conf."""
    skip_without_nginx()
    # As root, nginx would hand the requests to an unprivileged user who may
    # not read the temporary folder; as anyone else it runs as that user.
    user = "user root;" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    for attempt in range(3):
        port = free_port()
        config = folder / "nginx.conf"
        config.write_text(CONFIG.format(module=BROTLI_MODULE, user=user, folder=folder, mime_types=MIME_TYPES, port=port,
                                        root=root, snippet=ROOT / "deploy" / "nginx.conf"), encoding="utf-8")
        test = subprocess.run([NGINX, "-t", "-q", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
                              capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        process = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while process.poll() is None and not listening(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None and listening(port):
            break
        process.kill()
        process.wait()
    else:
        pytest.fail(f"nginx did not start: {(folder / 'error.log').read_text(errors='replace')}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
