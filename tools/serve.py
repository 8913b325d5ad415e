"""Preview server with live reload: `make serve`.

Serves output/ at http://127.0.0.1:8000 and rebuilds (tools/build.py) when
anything in content/, theme/, plugins/ or the settings changes; the browser
then reloads itself (the livereload script is injected by the server only,
never written into output/).
"""

import argparse
import sys
from pathlib import Path

from livereload import Server

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ["content", "theme/templates", "theme/static", "theme/translations/**/*.po", "plugins", "pelicanconf.py"]


def rebuild():
    if build.build("pelicanconf.py", str(ROOT / "output")) != 0:
        print("build failed; still serving the previous output", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = Server()
    for pattern in WATCHED:
        server.watch(str(ROOT / pattern), rebuild)
    print(f"Serving {ROOT / 'output'} at http://{args.host}:{args.port}/ (Ctrl-C to stop)")
    server.serve(root=str(ROOT / "output"), host=args.host, port=args.port, open_url_delay=None, restart_delay=0)


if __name__ == "__main__":
    main()
