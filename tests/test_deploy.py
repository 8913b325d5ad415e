"""What the deployed site sends: security headers, caching, fingerprinted assets, CI deploy."""

import hashlib
import re

import pytest

from headers_rules import headers_for, parse_headers_file
from sitebuild import ROOT

REQUIRED_CSP = {
    "default-src": ["'self'"], "img-src": ["'self'", "data:"], "style-src": ["'self'"],
    # 'wasm-unsafe-eval': search (Pagefind) compiles WebAssembly; no JavaScript eval.
    "script-src": ["'self'", "'wasm-unsafe-eval'"], "font-src": ["'self'"], "object-src": ["'none'"], "base-uri": ["'self'"],
    "form-action": ["'self'"], "frame-ancestors": ["'none'"],
}
SECURITY_HEADERS = ["Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options",
                    "Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy",
                    "Cross-Origin-Resource-Policy"]
YEAR = 31536000


def csp_directives(value):
    return {parts[0]: parts[1:] for parts in (d.split() for d in value.split(";") if d.strip())}


def request_paths(site):
    """Every URL path a visitor can ask for, with the file that answers it.
    Precompressed copies (.br, .gz) answer their original's URL."""
    for file in sorted(site.root.rglob("*")):
        if file.is_file() and file.name != "_headers" and file.suffix not in (".br", ".gz"):
            relative = file.relative_to(site.root).as_posix()
            yield "/" + relative, file
            if file.name == "index.html":
                yield "/" + relative[: -len("index.html")], file


@pytest.fixture(scope="module")
def rules(published):
    return parse_headers_file(published.path("_headers"))


ADMIN_CSP = {
    "default-src": ["'self'"], "script-src": ["'self'", "'unsafe-eval'"], "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "blob:", "https://avatars.githubusercontent.com"],
    "connect-src": ["'self'", "blob:", "https://api.github.com"], "object-src": ["'none'"], "base-uri": ["'self'"],
    "form-action": ["'self'"], "frame-ancestors": ["'none'"],
}


def test_headers_file_is_the_deploy_source_plus_page_rules(published):
    """deploy/_headers as written, less the /* headers that the /admin/ rule
    sets itself (Content-Security-Policy, Cross-Origin-Opener-Policy;
    plugins/deploy_headers.py writes /*'s for every other top-level path),
    then the generated rules."""
    written = published.text("_headers").split("\n")
    source = (ROOT / "deploy" / "_headers").read_text(encoding="utf-8").rstrip("\n").split("\n")
    replaced = [line for line in source[: source.index("/theme/*")]
                if line.startswith(("  Content-Security-Policy: default-src 'self'; img-src",
                                    "  Cross-Origin-Opener-Policy: same-origin"))]
    assert len(replaced) == 2
    kept = [line for line in source if line not in replaced]
    assert written[: len(kept)] == kept


def test_every_file_gets_the_security_headers(published, rules):
    admin_files = 0
    for path, _ in request_paths(published):
        headers = headers_for(rules, path)
        assert all(name in headers for name in SECURITY_HEADERS), path
        if path.startswith("/admin/"):  # the CMS: its own policy, and only that one
            admin_files += 1
            assert csp_directives(headers["Content-Security-Policy"]) == ADMIN_CSP, path
            assert headers["X-Robots-Tag"] == "noindex, nofollow"
        else:
            assert csp_directives(headers["Content-Security-Policy"]) == REQUIRED_CSP, path
            assert "unsafe-inline" not in headers["Content-Security-Policy"]
            assert "X-Robots-Tag" not in headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        # No other site's window keeps a handle on ours; only our own pages load the theme's files.
        # (The CMS's GitHub login answers from a popup through window.opener.)
        assert headers["Cross-Origin-Opener-Policy"] == ("same-origin-allow-popups" if path.startswith("/admin/")
                                                         else "same-origin"), path
        assert headers["Cross-Origin-Resource-Policy"] == ("same-origin" if path.startswith("/theme/")
                                                           else "cross-origin"), path
        max_age = re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"])
        assert max_age and int(max_age[1]) >= YEAR
    assert admin_files > 50


def test_fingerprinted_assets_are_immutable_and_pages_revalidate(published, rules):
    seen_assets = 0
    for path, file in request_paths(published):
        cache_control = headers_for(rules, path).get("Cache-Control")
        if path.startswith("/theme/"):
            seen_assets += 1
            assert cache_control == f"public, max-age={YEAR}, immutable", path
            digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
            assert file.name.split(".")[-2] == digest, f"{path} is not named after its content"
        else:
            assert cache_control == "no-cache", path
    assert seen_assets == 4  # stylesheet, Urdu font, search script, masthead date script


def test_pages_link_the_fingerprinted_stylesheet_which_loads_the_fingerprinted_font(published):
    stylesheets = list(published.path("theme/css").glob("*.css"))
    fonts = list(published.path("theme/fonts").glob("*.woff2"))
    assert len(stylesheets) == 1 and re.fullmatch(r"site\.[0-9a-f]{12}\.css", stylesheets[0].name)
    assert len(fonts) == 1 and re.fullmatch(r"noto-nastaliq-urdu\.[0-9a-f]{12}\.woff2", fonts[0].name)
    css = stylesheets[0].read_text(encoding="utf-8")
    assert re.findall(r'url\("?([^")]+)"?\)', css) == [f"../fonts/{fonts[0].name}"]
    pages = published.pages()
    assert len(pages) > 10
    # The CMS's preview uses the same stylesheet (named in a <template>).
    assert re.findall(r'href="?([^"> ]+\.css)', published.text("admin/index.html")) == [
        f"https://lantern-gazette.example/theme/css/{stylesheets[0].name}"]
    for page in pages:
        links = [link["href"] for link in published.html(page).select('link[rel="stylesheet"]')]
        assert links == [f"https://lantern-gazette.example/theme/css/{stylesheets[0].name}"], page


def test_nginx_snippet_sends_the_same_headers(rules):
    config = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    locations = dict(re.findall(r"location\s+(/\S*)\s*\{(.*?)\n\}", config, re.S))
    headers = {location: dict(re.findall(r'add_header\s+(\S+)\s+"([^"]*)"\s+always;', body))
               for location, body in locations.items()}
    for location, pattern in (("/theme/", "/theme/x.css"), ("/", "/2018/05/02/story/"), ("/ur/", "/ur/x/"),
                              ("/media/", "/media/x-0123456789-400.webp"), ("/admin/", "/admin/index.html")):
        assert headers[location] == headers_for(rules, pattern), location


# The oldest major of each action that runs on Node 24 (Node 20 actions are
# deprecated on GitHub's runners); a newer major is fine.
CURRENT_MAJORS = {"actions/checkout": 7, "actions/configure-pages": 6, "actions/cache": 6,
                  "actions/cache/restore": 6, "actions/cache/save": 6, "actions/upload-pages-artifact": 4,
                  "actions/deploy-pages": 5, "actions/setup-python": 6, "actions/setup-node": 6}


def test_github_pages_workflow_publishes_output():
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert re.search(r"SITEURL: \$\{\{ steps\.\w+\.outputs\.base_url \}\}", workflow)
    assert re.search(r"^\s+make publish$", workflow, re.M)
    assert re.search(r"path: output/?$", workflow, re.M)
    assert "actions/deploy-pages@" in workflow
    assert re.search(r"pages: write", workflow) and re.search(r"id-token: write", workflow)


def test_github_pages_workflow_is_current_checked_cached_and_scheduled():
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    uses = re.findall(r"uses: ([\w./-]+)@v(\d+)", workflow)
    assert uses
    for action, major in uses:
        assert action in CURRENT_MAJORS and int(major) >= CURRENT_MAJORS[action], f"{action}@v{major}"
    steps = workflow.split("\n      - ")
    check = next(index for index, step in enumerate(steps) if "run: make check" in step)
    upload = next(index for index, step in enumerate(steps) if "upload-pages-artifact" in step)
    assert check < upload, "make check runs before the site is uploaded for deployment"
    assert re.search(r"path: \S*\.cache/pip", workflow) and re.search(r"key: pip-.*hashFiles\('requirements", workflow)
    assert re.search(r"path: \S*\.npm", workflow) and re.search(r"key: npm-.*hashFiles\('package-lock.json'\)", workflow)
    cron = re.search(r'schedule:\s+- cron: "([^"]+)"', workflow)
    assert cron and cron[1].startswith("*/15 "), "scheduled stories appear within 15 minutes of their time"
    assert "SOURCE_DATE_EPOCH=$(date +%s)" in workflow, "a scheduled run builds as of now"


def test_urdu_pages_ask_for_the_font_at_once_and_english_pages_never(published):
    [font] = published.path("theme/fonts").glob("*.woff2")
    for page in published.pages():
        preloads = [link["href"] for link in published.html(page).select('link[rel="preload"]')]
        if page.startswith("ur/"):
            assert preloads == [f"https://lantern-gazette.example/theme/fonts/{font.name}"], page
        else:
            assert preloads == [], page
