"""Search in Chromium on the publish build (minified, fingerprinted), served as
hosts serve it, with our own response headers: the rules of the build's
``_headers`` file and deploy/nginx.conf in a real nginx.  Pagefind finds the
words of a story's body in the reader's language, shows where they are, and
pages through many results."""

import json
import re
from urllib.parse import quote, urlsplit

import pytest

from gates.server import SiteServer
from newsroom import published_stories
from nginx_server import running_nginx
from served import SITEURL
from sitebuild import ARTICLE_SLUG, SCALE_CHUNK_STORIES, SCALE_COMMON_WORD, SCALE_MARKER_EN, SCALE_MARKER_UR
from test_urdu_pages import GLYPH_CHECK
from visits import opener, wait_until

ENGLISH_ARTICLE = f"/2018/05/02/{ARTICLE_SLUG}/"
URDU_ARTICLE = f"/ur/2018/05/02/{ARTICLE_SLUG}/"
SEARCH_DONE = ("document.querySelector('.search-status').textContent.length > 0"
               " && !document.querySelector('.search-status').textContent.endsWith('…')")


@pytest.fixture(scope="module", params=["_headers", "nginx"])
def host(request, published, tmp_path_factory):
    """The publish build behind each kind of host we document."""
    if request.param == "_headers":
        with SiteServer() as server:
            server.serve(published.root)
            yield server.url
    else:
        with running_nginx(published.root, tmp_path_factory.mktemp("nginx")) as url:
            yield url


@pytest.fixture
def open_hosted(browser, host):
    with opener(browser, host) as open_page:
        yield open_page


def search(open_site, path, query, width=1280):
    visit = open_site(path, width=width)
    page = visit.page
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    wait_until(page, SEARCH_DONE)
    return visit


def result_links(page):
    return page.eval_on_selector_all(".search-results h2 a", "links => links.map(a => new URL(a.href).pathname)")


def results(page):
    return page.eval_on_selector_all(".search-results li", """items => items.map(item => ({
        url: new URL(item.querySelector('h2 a').href).pathname,
        title: item.querySelector('h2').textContent,
        section: item.querySelector('.search-result-section')?.textContent,
        date: item.querySelector('time')?.textContent,
        datetime: item.querySelector('time')?.getAttribute('datetime'),
        excerpt: item.querySelector('.search-result-excerpt').textContent,
        marked: [...item.querySelectorAll('.search-result-excerpt mark')].map(mark => mark.textContent),
    }))""")


def status(page):
    return page.inner_text(".search-status")


@pytest.mark.parametrize("path, queries, url, section, date", [
    ("search/", ["Observatory", "Yarmuk", "Deir Ezzor"], ENGLISH_ARTICLE, "Syria", "2 May 2018"),
    ("ur/search/", ["آبزرویٹری", "جہادی", "دیر الزور", "یرموک"], URDU_ARTICLE, "شام", "2 مئی، 2018"),
])
def test_words_of_the_story_body_are_found(open_hosted, path, queries, url, section, date):
    visit = open_hosted(path)
    page = visit.page
    for query in queries:
        page.fill("#search-query", query)
        page.press("#search-query", "Enter")
        wait_until(page, SEARCH_DONE + f" && document.querySelector('.search-status').textContent.includes({query!r})")
        [found] = results(page)
        assert found["url"] == url, query
        assert (found["section"], found["date"], found["datetime"]) == (section, date, "2018-05-02")
        # The excerpt is the story text around the words, never the headline again.
        assert query.split()[0] in " ".join(found["marked"]), query
        assert not found["excerpt"].lstrip("… ").startswith(found["title"][:12].strip()), query
    policy = visit.response.headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy and "unsafe-inline" not in policy
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.foreign_requests == []


@pytest.mark.parametrize("path, query, url, opening", [
    ("search/", "final battle", ENGLISH_ARTICLE, "AL TANAK:"),
    ("ur/search/", "حتمی", URDU_ARTICLE, "التنک:"),
])
def test_a_headline_word_finds_the_story_and_the_excerpt_is_its_text(open_published, path, query, url, opening):
    page = search(open_published, path, query).page
    [found] = results(page)
    assert found["url"] == url
    title_words = found["title"].split()
    assert " ".join(title_words[:4]) not in found["excerpt"]
    if not found["marked"]:  # only the headline matched: the story's first words
        assert found["excerpt"].startswith(opening)


def test_each_edition_searches_its_own_language(open_published):
    assert result_links(search(open_published, "search/", "شام").page) == []
    assert result_links(search(open_published, "ur/search/", "Deir Ezzor").page) == []
    page = search(open_published, "search/", "شام").page
    assert status(page).startswith("No stories found")


def test_only_headlines_and_bodies_are_indexed(open_published, published):
    import json

    # Every published story (no listing, no draft, no scheduled story) in its
    # edition's index: one chunk each at the newsroom's size.
    counts = {}
    for edition in ("en", "ur"):
        [chunk] = json.loads(published.text(f"pagefind/{edition}/chunks.json"))["chunks"]
        entry = json.loads(published.text(f"pagefind/{edition}/{chunk}/pagefind-entry.json"))
        counts.update({lang: info["page_count"] for lang, info in entry["languages"].items()})
    assert counts == {"en": len(published_stories("en")), "ur": len(published_stories("ur"))}
    # The paper's name is in every page's masthead, title and footer, never in a story.
    assert result_links(search(open_published, "search/", "Lantern Gazette").page) == []
    assert result_links(search(open_published, "ur/search/", "لالٹین گزٹ").page) == []
    # Nor the interface around the story: the translation note, the printed URL.
    assert result_links(search(open_published, "ur/search/", "ترجمہ").page) == []
    assert result_links(search(open_published, "search/", "lantern-gazette.example").page) == []


def test_query_in_the_address_runs_the_search(open_published):
    visit = open_published("ur/search/?q=" + quote("دیر الزور"))
    wait_until(visit.page, "document.querySelector('.search-results a')")
    assert result_links(visit.page) == [URDU_ARTICLE]
    assert visit.page.input_value("#search-query") == "دیر الزور"


def test_without_wasm_unsafe_eval_search_says_it_is_unavailable(browser, published_host):
    """The planted defect of the policy above: Chromium refuses Pagefind's
    WebAssembly, and the page says so instead of "Searching…" for ever."""
    context = browser.new_context()

    def strip(route, request):
        response = route.fetch(url=published_host + request.url[len(SITEURL):])
        headers = {name: value.replace(" 'wasm-unsafe-eval'", "") for name, value in response.headers.items()
                   if name.lower() not in ("content-encoding", "content-length")}
        assert "wasm-unsafe-eval" not in str(headers)
        route.fulfill(status=response.status, headers=headers, body=response.body())
    # Every response: Pagefind's worker script has its own policy.
    context.route(re.compile("^" + re.escape(SITEURL) + "/.*"), strip)
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(f"{SITEURL}/search/")
        page.fill("#search-query", "Syria")
        page.press("#search-query", "Enter")
        wait_until(page, SEARCH_DONE)
        assert status(page) == "Search is not available right now."
        assert any("Content Security Policy" in error or "CompileError" in error for error in errors)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["search/", "ur/search/"])
def test_without_javascript_the_page_explains_and_offers_links(browser, server, site, path):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server}/{path}")
        assert not page.locator(".search-form").is_visible()
        fallback = page.locator(".search-fallback")
        assert fallback.is_visible()
        links = page.eval_on_selector_all(".search-fallback a", "links => links.map(a => new URL(a.href).pathname)")
        prefix = "/ur/" if path.startswith("ur/") else "/"
        assert f"{prefix}paper/" in links and f"{prefix}archive/" in links
        for link in links:
            assert site.path(link.lstrip("/") + "index.html").exists(), link
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path, query, lang", [("search/", "Deir Ezzor", "en"), ("ur/search/", "شام", "ur")])
def test_search_page_is_labelled_fits_and_uses_our_stylesheet(open_published, width, path, query, lang):
    visit = search(open_published, path, query, width=width)
    page = visit.page
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    label = page.locator("label[for=search-query]")
    assert label.is_visible() and label.inner_text().strip()
    assert page.get_attribute(".search-status", "role") == "status"
    assert not page.locator(".search-fallback").is_visible()
    stylesheets = page.evaluate("[...document.styleSheets].map(s => new URL(s.href).pathname)")
    assert len(stylesheets) == 1 and re.fullmatch(r"/theme/css/site\.[0-9a-f]{12}\.css", stylesheets[0])
    # The result list starts on the reading side: right in Urdu, left in English.
    box = page.locator(".search-results li").first.bounding_box()
    main = page.locator(".search-page").bounding_box()
    edge = main["x"] + main["width"] - (box["x"] + box["width"]) if lang == "ur" else box["x"] - main["x"]
    assert abs(edge) < 2


# At scale: some 300 English and 90 Urdu stories (sitebuild.write_scale_content).

def found_count(page):
    """The count the status gives ("297 stories found…"); "one" and "no" are
    words (the list shows them all)."""
    number = re.search(r"\d[\d,]*", status(page))
    return int(number[0].replace(",", "")) if number else len(results(page))


def test_more_results_show_every_match_once_and_move_focus(open_scale):
    page = search(open_scale, "search/", "lorem").page
    total = found_count(page)
    assert total > 250, "the query of the issue: hundreds of stories"
    assert len(results(page)) == 10
    assert page.inner_text(".search-shown") == f"Showing 10 of {total}"
    button = page.locator(".search-more button")
    assert button.is_visible() and button.inner_text() == "More results"
    button.click()
    wait_until(page, "document.querySelectorAll('.search-results li').length === 20")
    # Focus moves to the first new result, so a keyboard reader goes on from there.
    focused = page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('.search-results li')[10]")
    assert focused
    # A word of one story in eight: page through every result.
    page.fill("#search-query", SCALE_COMMON_WORD)
    page.press("#search-query", "Enter")
    wait_until(page, SEARCH_DONE + f" && document.querySelector('.search-status').textContent.includes({SCALE_COMMON_WORD!r})")
    total = found_count(page)
    assert 20 < total < 60
    for _ in range(total):
        if not button.is_visible():
            break
        shown = len(results(page))
        button.click()
        wait_until(page, f"document.querySelectorAll('.search-results li').length > {shown}")
    urls = [found["url"] for found in results(page)]
    assert len(urls) == len(set(urls)) == total
    assert page.inner_text(".search-shown") == f"Showing {total} of {total}"
    assert not [url for url in urls if url.startswith("/ur/")]
    assert all(SCALE_COMMON_WORD in found["marked"] for found in results(page))


def test_newest_first_orders_results_by_date_and_is_kept_in_the_address(open_scale):
    page = search(open_scale, "search/", "lorem").page
    relevant = [found["datetime"] for found in results(page)]
    page.select_option("select[name=sort]", "newest")
    wait_until(page, SEARCH_DONE + " && new URL(location.href).searchParams.get('sort') === 'newest'")
    wait_until(page, "document.querySelectorAll('.search-results li').length === 10")
    page.locator(".search-more button").click()
    wait_until(page, "document.querySelectorAll('.search-results li').length === 20")
    newest = [found["datetime"] for found in results(page)]
    assert newest == sorted(newest, reverse=True) and newest != relevant[:len(newest)]
    assert newest[0] >= max(relevant)
    again = open_scale("search/?q=lorem&sort=newest").page
    wait_until(again, "document.querySelectorAll('.search-results li').length === 10")
    assert again.input_value("select[name=sort]") == "newest"
    assert [found["datetime"] for found in results(again)] == newest[:10]


def test_newest_first_stays_in_order_from_one_chunk_into_the_next(open_scale, scale_site):
    """The scale site's newest chunk covers the months from its name on; paging
    on past its stories goes on, in order, with the next chunk's."""
    [newest_chunk, *_] = json.loads(scale_site.text("pagefind/en/chunks.json"))["chunks"]
    page = open_scale("search/?q=lorem&sort=newest").page
    wait_until(page, "document.querySelectorAll('.search-results li').length === 10")
    for _ in range(SCALE_CHUNK_STORIES // 10 + 2):
        if any(found["datetime"][:7] < newest_chunk for found in results(page)):
            break
        shown = len(results(page))
        page.locator(".search-more button").click()
        wait_until(page, f"document.querySelectorAll('.search-results li').length > {shown}")
    dates = [found["datetime"] for found in results(page)]
    assert dates == sorted(dates, reverse=True)
    assert dates[0][:7] >= newest_chunk > dates[-1][:7], "results of two chunks"


def test_the_two_indexes_never_mix_at_scale(open_scale, scale_site):
    urdu = search(open_scale, "ur/search/", "اور").page
    urdu_total = found_count(urdu)
    translated = len([p for p in scale_site.pages() if re.match(r"ur/\d{4}/\d\d/\d\d/[^/]+/index\.html$", p)])
    assert urdu_total == translated, "every Urdu story has اور; only Urdu stories are found"
    assert all(found["url"].startswith("/ur/") for found in results(urdu))
    assert found_count(search(open_scale, "ur/search/", "lorem").page) == 0
    english = search(open_scale, "search/", "lorem").page
    assert not [found for found in results(english) if found["url"].startswith("/ur/")]


def test_every_chunk_answers_on_each_search_page_of_one_tab(open_scale):
    """The scale site's index is in chunks (tests/sitebuild.py), each chunk's
    pagefind.js a module of its own: one module's instances shared its
    WebAssembly memory and, from the second search page of a tab on, broke
    each other's searches ("memory access out of bounds")."""
    visit = open_scale("search/")
    page = visit.page
    errors = []
    # Errors only: Pagefind warns when a worker is slow to start on a loaded machine.
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    english_total = None
    for path in ("search/?q=lorem", "ur/search/?q=" + quote("اور"), "search/?q=lorem&sort=newest", "search/?q=lorem"):
        page.goto(f"{SITEURL}/{path}")
        wait_until(page, SEARCH_DONE + " && document.querySelectorAll('.search-results li').length > 0")
        if path.startswith("search/"):
            english_total = english_total or found_count(page)
            assert found_count(page) == english_total > SCALE_CHUNK_STORIES, "results of more than one chunk"
        else:
            assert found_count(page) > 0 and all(found["url"].startswith("/ur/") for found in results(page))
    assert errors == []


@pytest.mark.parametrize("path, marker, slug", [
    ("search/", SCALE_MARKER_EN, "fixture-river-story-0"),
    ("ur/search/", SCALE_MARKER_UR, "fixture-river-story-0"),
])
def test_a_word_of_one_story_finds_that_story(open_scale, path, marker, slug):
    page = search(open_scale, path, marker).page
    [found] = results(page)
    assert urlsplit(found["url"]).path.rstrip("/").endswith(slug)
    assert found["marked"] == [marker]


def test_a_typed_urdu_query_is_drawn_in_nastaliq(open_scale):
    """Letters that no story of the day uses (ث ظ ژ…) are in the font too."""
    page = open_scale("ur/search/").page
    query = "ثقافت اور ظلم ژالہ باری"
    page.fill("#search-query", query)
    assert page.evaluate("getComputedStyle(document.querySelector('#search-query')).fontFamily").startswith(
        '"Noto Nastaliq Urdu"')
    assert page.evaluate(GLYPH_CHECK, sorted(set(query) - {" "})) == []
