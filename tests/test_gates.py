"""The checkers behind `make check` (tools/gates/) catch what they are for."""

import gzip

import brotli
import pytest

from gates.compressed import check_compressed
from gates.feeds import check_feeds
from gates.links import check_links
from gates.pages import page_type, sample_pages

SITE = "http://127.0.0.1:9000/news"


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def page(body, head=""):
    return f'<!doctype html><html lang="en"><head><title>t</title>{head}</head><body>{body}</body></html>'


@pytest.fixture
def tree(tmp_path):
    write(tmp_path, "index.html", page(
        '<a href="#top">top</a><span id="top"></span>'
        f'<a href="{SITE}/story/">story</a> <a href="story/#para">para</a> <a href="https://example.org/">away</a>'
        '<a href="mailto:desk@example.org">mail</a>',
        head=f'<link rel="stylesheet" href="{SITE}/theme/site.css"><link rel="icon" href="/news/favicon.svg">',
    ))
    write(tmp_path, "story/index.html", page('<p id="para">text</p><img src="../photo.jpg" srcset="../photo.jpg 1x, ../photo@2x.jpg 2x" alt="">'))
    write(tmp_path, "theme/site.css", 'body { background: url("img/paper.png") } @font-face { src: url(../fonts/face.woff2) }')
    for name in ("favicon.svg", "photo.jpg", "photo@2x.jpg", "theme/img/paper.png", "fonts/face.woff2"):
        write(tmp_path, name, "x")
    return tmp_path


def test_a_whole_site_has_no_broken_link(tree):
    result = check_links(tree, SITE)
    assert result.failures == []
    assert result.checked == 3  # two pages, one stylesheet


def test_broken_links_fragments_and_assets_are_each_reported(tree):
    write(tree, "story/index.html", page(
        '<p id="para"><a href="../missing/">gone</a></p> <a href="../#nowhere">anchor</a> <a href="/elsewhere/">root</a>'
        '<img src="https://cdn.example.org/photo.jpg" alt=""> <img srcset="../absent.jpg 2x" alt="">'
    ))
    write(tree, "theme/site.css", "body { background: url(img/lost.png) }")
    failures = check_links(tree, SITE).failures
    assert failures == [
        "story/index.html: broken link: ../missing/",
        "story/index.html: no element with id 'nowhere' in index.html: ../#nowhere",
        "story/index.html: outside the site's path /news/: /elsewhere/",
        "story/index.html: asset from another host: https://cdn.example.org/photo.jpg",
        "story/index.html: broken asset: ../absent.jpg",
        "theme/site.css: broken asset: img/lost.png",
    ]


def test_urls_for_crawlers_must_be_absolute_and_resolve(tree):
    json_ld = ('{"@context": "https://schema.org", "@type": "NewsArticle", "@id": "%s/story/#article",'
               ' "url": "%s/gone/", "publisher": {"logo": {"url": "%s/favicon.svg"}}, "sameAs": "https://example.org/"}'
               % (SITE, SITE, SITE))
    write(tree, "story/index.html", page(
        '<p id="para"></p>',
        head=f'<meta property="og:url" content="/news/story/"><meta property="og:image" content="{SITE}/photo.jpg">'
             f'<script type="application/ld+json">{json_ld}</script><script type="application/ld+json">{{"url": </script>',
    ))
    failures = check_links(tree, SITE).failures
    assert failures[:2] == [
        "story/index.html: not an absolute URL (crawlers need one): '/news/story/'",
        f"story/index.html: broken link: {SITE}/gone/",
    ]
    assert failures[2].startswith("story/index.html: JSON-LD is not JSON")
    assert len(failures) == 3


def sitemap(*locs):
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def test_sitemap_and_feeds_need_well_formed_xml_and_absolute_urls_that_resolve(tree):
    write(tree, "sitemap.xml", sitemap(f"{SITE}/", f"{SITE}/story/"))
    write(tree, "feeds/all.atom.xml", f'<feed xmlns="http://www.w3.org/2005/Atom"><link href="{SITE}/story/"/></feed>')
    assert check_feeds(tree, SITE).failures == []
    write(tree, "sitemap.xml", sitemap("/news/story/", f"{SITE}/gone/"))
    write(tree, "feeds/all.atom.xml", "<feed><entry></feed>")
    failures = check_feeds(tree, SITE).failures
    assert failures[0].startswith("feeds/all.atom.xml: not well-formed XML")
    assert failures[1:] == [
        "sitemap.xml: loc is not an absolute URL: '/news/story/'",
        f"sitemap.xml: loc leads to no file: {SITE}/gone/",
    ]


def sitemap_index(*locs):
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


def test_a_sitemap_index_must_list_every_part_and_only_sitemaps(tree, monkeypatch):
    import gates.feeds

    write(tree, "sitemap.xml", sitemap_index(f"{SITE}/sitemap-1.xml", f"{SITE}/sitemap-2.xml"))
    write(tree, "sitemap-1.xml", sitemap(f"{SITE}/"))
    write(tree, "sitemap-2.xml", sitemap(f"{SITE}/story/"))
    assert check_feeds(tree, SITE).failures == []

    write(tree, "sitemap.xml", sitemap_index(f"{SITE}/sitemap-1.xml", f"{SITE}/story/"))
    monkeypatch.setattr(gates.feeds, "SITEMAP_MAX_URLS", 1)
    write(tree, "sitemap-1.xml", sitemap(f"{SITE}/", f"{SITE}/story/"))
    assert check_feeds(tree, SITE).failures == [
        "sitemap-1.xml: 2 URLs, more than a sitemap may hold (1)",
        f"sitemap.xml: sitemap {SITE}/story/ is not a sitemap (<urlset>)",
        "sitemap-2.xml: a sitemap that no sitemap index lists",
    ]


def test_missing_or_stale_compressed_copies_are_reported(tmp_path):
    text = "<p>" + "news " * 100 + "</p>"
    path = write(tmp_path, "index.html", text)
    path.with_name("index.html.gz").write_bytes(gzip.compress(text.encode()))
    path.with_name("index.html.br").write_bytes(brotli.compress(b"older text"))
    assert check_compressed(tmp_path).failures == ["index.html.br is stale: it does not decompress to index.html"]
    path.with_name("index.html.br").unlink()
    assert check_compressed(tmp_path).failures == ["index.html: no .br copy"]


@pytest.mark.parametrize("relative, expected", [
    ("index.html", "home"),
    ("2018/05/02/some-story/index.html", "article"),
    ("section/syria/index.html", "section"),
    ("tag/داعش/index.html", "tag"),
    ("author/jane-reporter/index.html", "author"),
    ("author/index.html", "authors"),
    ("archive/index.html", "archive"),
    ("paper/2024/04/19/index.html", "paper"),
    ("paper/archive/index.html", "paper-calendar"),
    ("paper/archive/2024/index.html", "paper-calendar"),
    ("archive/2024/05/index.html", "archive-period"),
    ("search/index.html", "search"),
    ("404.html", "404"),
    ("about/index.html", "other: about"),
])
def test_page_types_by_url(relative, expected):
    assert page_type(relative) == expected


def test_one_page_of_each_type_per_edition_and_missing_types_are_named(tree):
    write(tree, "ur/index.html", page(""))
    write(tree, "ur/2018/05/02/one/index.html", page(""))
    write(tree, "ur/2018/05/02/two/index.html", page(""))
    samples, absent = sample_pages(tree, ["", "ur"])
    assert ("ur", "article", "ur/2018/05/02/one/") in samples
    assert not any(url_path == "ur/2018/05/02/two/" for _, _, url_path in samples)
    assert ("", "other: story", "story/") in samples
    assert ("ur", "404") in absent and ("", "home") not in absent


def test_the_published_site_is_minified_and_precompressed(published):
    assert check_compressed(published.root).failures == []
    for edition in ("", "ur/"):
        html = published.text(f"{edition}2018/05/02/us-backed-alliance-launches-final-battle-against-is-in-syria/index.html")
        assert "\n  <" not in html, "minified: no indented markup"
        assert published.html(f"{edition}2018/05/02/us-backed-alliance-launches-final-battle-against-is-in-syria/index.html").find("h1").get_text().strip()
    stylesheets = [path.relative_to(published.root).as_posix() for path in published.root.rglob("*.css")]
    assert stylesheets
    for text_file in ("sitemap.xml", "feeds/all.atom.xml", "ur/feeds/all.atom.xml", *stylesheets):
        assert published.path(text_file + ".br").exists() and published.path(text_file + ".gz").exists(), text_file


def test_the_preview_site_is_neither_minified_nor_compressed(site):
    assert "\n  <" in site.text("index.html")
    assert not list(site.root.rglob("*.gz"))


def test_the_gate_server_serves_precompressed_copies_404_pages_and_headers_rules(tmp_path):
    import urllib.error
    import urllib.request

    from gates.server import SiteServer

    write(tmp_path, "theme/site.css", "body { color: black }")
    (tmp_path / "theme" / "site.css.br").write_bytes(brotli.compress(b"body { color: black }"))
    write(tmp_path, "ur/404.html", page("نہیں ملا"))
    write(tmp_path, "_headers", "/*\n  Content-Security-Policy: default-src 'self'\n/theme/*\n  Cache-Control: max-age=60\n")
    with SiteServer() as server:
        server.serve(tmp_path)
        request = urllib.request.Request(f"{server.url}/theme/site.css", headers={"Accept-Encoding": "gzip, br"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "br"
            assert response.headers["Content-Type"] == "text/css; charset=utf-8"
            assert response.headers["Cache-Control"] == "max-age=60"
            assert response.headers["Content-Security-Policy"] == "default-src 'self'"
            assert brotli.decompress(response.read()) == b"body { color: black }"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{server.url}/ur/no-such-page/")
        assert missing.value.code == 404 and "نہیں ملا" in missing.value.read().decode()
        assert "Cache-Control" not in missing.value.headers


def lighthouse_report(tbt=40, fcp=800, lcp=900, speed_index=900, cls=0.0, accessibility=1, perf=1):
    """The parts of a Lighthouse JSON report that the gate reads."""
    values = {"first-contentful-paint": fcp, "largest-contentful-paint": lcp, "speed-index": speed_index,
              "total-blocking-time": tbt, "cumulative-layout-shift": cls, "color-contrast": None}
    audits = {name: {"numericValue": value, "score": 1, "title": name} for name, value in values.items()}
    audits["color-contrast"] = {"score": accessibility, "title": "Background and foreground colors have a sufficient contrast ratio"}
    categories = {name: {"score": 1, "auditRefs": []} for name in ("performance", "best-practices", "seo")}
    categories["performance"]["score"] = perf
    categories["accessibility"] = {"score": accessibility, "auditRefs": [{"id": "color-contrast", "weight": 7}]}
    return {"audits": audits, "categories": categories}


def test_lighthouse_gate_judges_timings_by_their_best_run_against_budgets():
    from gates.lighthouse import judge, over_budget

    # A loaded machine: one run with 190 ms of TBT and a slow Speed Index
    # (the performance score would say 0.97), a second run as usual.
    noisy, usual = lighthouse_report(tbt=340, speed_index=3600, perf=0.93), lighthouse_report()
    assert over_budget([noisy]) and not over_budget([noisy, usual])
    assert judge([noisy, usual]) == []
    assert judge([lighthouse_report(tbt=190, perf=0.97)]) == []


def test_lighthouse_gate_fails_a_real_defect_in_every_run():
    from gates.lighthouse import judge

    blocking_script = [lighthouse_report(tbt=900 + run, fcp=2600) for run in range(3)]
    assert judge(blocking_script) == [
        "first-contentful-paint 2600 ms over its budget of 1800 ms (best of 3 runs)",
        "total-blocking-time 900 ms over its budget of 300 ms (best of 3 runs)",
    ]
    shifting = [lighthouse_report(cls=0.25)]
    assert judge(shifting) == ["cumulative-layout-shift 0.250 over its budget of 0.100 (best of 1 runs)"]
    low_contrast = judge([lighthouse_report(accessibility=0.96)])
    assert len(low_contrast) == 1 and low_contrast[0].startswith("accessibility 0.96: color-contrast")
