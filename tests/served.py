"""A publish build in Chromium as readers get it: at its own address
(https://lantern-gazette.example), with the response headers of the host that
serves it.

The publish build names its absolute SITEURL in every link, so the browser
asks for https://lantern-gazette.example/...; `route_site` answers those
requests from a local server, with that server's status, headers (the
Content-Security-Policy among them) and body.  Two local servers:

* tools/gates/server.py's `SiteServer`: the rules of the build's own
  ``_headers`` file (Netlify, Cloudflare Pages) and its precompressed copies;
* tests/nginx_server.py's `running_nginx`: Debian's nginx with
  ``deploy/nginx.conf`` included in a server block, as the README tells
  operators to.
"""

import re

SITEURL = "https://lantern-gazette.example"
# The transfer is the local server's business; the browser gets the decoded body.
DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


def route_site(context, local_url, site_url=SITEURL):
    """Answer every request of `context` for `site_url` from `local_url`."""
    from playwright.sync_api import Error

    def handle(route, request):
        try:
            response = route.fetch(url=local_url + request.url[len(site_url):], max_redirects=0)
            headers = {name: value for name, value in response.headers.items() if name.lower() not in DROPPED_HEADERS}
            if "location" in headers:
                headers["location"] = headers["location"].replace(local_url, site_url)
            route.fulfill(status=response.status, headers=headers, body=response.body())
        except Error:
            # The context closed while the answer was on its way (a test that
            # ends while a font still loads), or the local server failed: the
            # request fails, which a page still open reports (Visit.failed_requests).
            try:
                route.abort()
            except Error:
                pass
    context.route(re.compile("^" + re.escape(site_url) + "/.*"), handle)
