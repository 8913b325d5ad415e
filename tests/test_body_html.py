"""The body-HTML policy (plugins/body_html.py) on strings, the time limit and the editor's log lines.

No build here: the policy is the same function the reader calls, and what it
does inside a build is tested by tests/test_hostile_body.py.
"""

import logging
import threading
import time

import pytest

import body_html
import build_log
from body_html import check_and_sanitize, sanitize, source_lines
from time_limit import TimeLimitExceeded, enforceable, time_limit

DEPTH = 50


def findings(html):
    return [finding.message for finding in check_and_sanitize(html, DEPTH)[0]]


SAFE_NEWS = (
    '<h2 id="context">Context</h2><p lang="ur" dir="rtl">متن</p>'
    '<p>See <a href="https://example.org/a?b=c#d" hreflang="en" rel="nofollow">this</a>, '
    '<a href="mailto:desk@example.org">mail</a>, <a href="tel:+922100000">call</a>, <a href="#fn:1">note</a>, '
    '<a href="/2018/05/02/story/">a story</a>, <a href="{filename}other.md">another</a>.</p>'
    '<blockquote cite="https://example.org/speech"><p>Quoted.</p></blockquote>'
    '<figure><img src="photo.jpg" alt="A photo" width="640" height="480" loading="lazy">'
    "<figcaption>Caption</figcaption></figure>"
    '<p><img src="{static}/images/map.png" alt="Map"> <img src="/extra/logo.png" alt="Logo"></p>'
    '<table><caption>Results</caption><thead><tr><th scope="col">Party</th></tr></thead>'
    '<tbody><tr><td colspan="2">Blue</td></tr></tbody></table>'
    '<ol start="3" reversed><li value="3">Three</li></ol><dl><dt>Term</dt><dd>Meaning</dd></dl>'
    '<p><abbr title="Pakistan">PK</abbr> <code>x &lt; y</code> <kbd>Ctrl</kbd> <sup id="fnref:1">1</sup> '
    '<del datetime="2018-05-02">old</del> <ins cite="https://example.org/">new</ins> '
    '<time datetime="2018-05-02">2 May</time> <q cite="/about/">q</q> <mark>m</mark></p>'
    '<pre><code class="language-python">print("&lt;script&gt;")</code></pre>'
    '<details open><summary>More</summary><p>Text</p></details><hr>'
)


def test_what_news_needs_passes_unchanged():
    found, safe = check_and_sanitize(SAFE_NEWS, DEPTH)
    assert found == ()
    assert safe == SAFE_NEWS
    assert sanitize(SAFE_NEWS).count("<img") == 3  # the sanitizer keeps it as well


@pytest.mark.parametrize("html, message", [
    ('<a href="javascript:alert(1)">x</a>', "the link javascript:alert(1) runs a script"),
    ('<a href=" JAVASCRIPT:alert(1)">x</a>', "the link JAVASCRIPT:alert(1) runs a script"),
    ('<a href="java\tscript:alert(1)">x</a>', "the link javascript:alert(1) runs a script"),
    ('<a href="javascript&#58;alert(1)">x</a>', "the link javascript:alert(1) runs a script"),
    ('<a href="&#x6A;avascript:alert(1)">x</a>', "the link javascript:alert(1) runs a script"),
    ('<a href="\x01javascript:alert(1)">x</a>', "the link javascript:alert(1) runs a script"),
    ('<a href="vbscript:msgbox(1)">x</a>', "the link vbscript:msgbox(1) runs a script"),
    ('<a href="data:text/html,x">x</a>', "data: URLs are not allowed"),
    ('<a href="file:///etc/passwd">x</a>', "file: URLs are not allowed in href="),
    ('<img src="data:image/png;base64,AAAA" alt="x">', "the image data: URL is not allowed"),
    ('<img src="https://tracker.example/p.gif" alt="x">', "the image https://tracker.example/p.gif is on another site"),
    ('<img src="//tracker.example/p.gif" alt="x">', "the image //tracker.example/p.gif is on another site"),
    ('<img src="/\\tracker.example/p.gif" alt="x">', "the image /\\tracker.example/p.gif is on another site"),
    ('<img src="\\\\tracker.example/p.gif" alt="x">', "the image \\\\tracker.example/p.gif is on another site"),
    ('<img src="a.png" alt="x" srcset="https://tracker.example/p.gif 2x">', "the srcset= attribute on <img>"),
    ('<blockquote cite="javascript:alert(1)">x</blockquote>', "the link javascript:alert(1) runs a script"),
    ('<p onmouseover="alert(1)">x</p>', "the onmouseover= attribute on <p> is not allowed"),
    ('<p style="background:url(https://t.example/x)">x</p>', "the style= attribute on <p> is not allowed"),
    ("<script>alert(1)</script>", "<script> is not allowed"),
    ("<SCRIPT SRC=https://t.example/x.js></SCRIPT>", "<script> is not allowed"),
    ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "<iframe> is not allowed"),
    ('<object data="x.swf"></object>', "<object> is not allowed"),
    ('<embed src="x.swf">', "<embed> is not allowed"),
    ('<form action="https://t.example/"><input name="q"></form>', "<form> is not allowed"),
    ('<svg><a xlink:href="javascript:alert(1)">x</a></svg>', "<svg> is not allowed"),
    ('<math><mtext>x</mtext></math>', "<math> is not allowed"),
    ("<style>@import url(https://t.example/x.css)</style>", "<style> is not allowed"),
    ('<link rel="stylesheet" href="https://t.example/x.css">', "<link> is not allowed"),
    ('<meta http-equiv="refresh" content="0;url=https://t.example/">', "<meta> is not allowed"),
    ('<base href="https://t.example/">', "<base> is not allowed"),
    ('<video src="https://t.example/v.mp4"></video>', "<video> is not allowed"),
    ('<a href="/x" target="_blank">x</a>', "the target= attribute on <a> is not allowed"),
    ("<font color=red>x</font>", "<font> is not allowed"),
])
def test_outside_the_policy_is_found_and_removed(html, message):
    found, safe = check_and_sanitize(html, DEPTH)
    assert any(f.message.startswith(message) for f in found), [f.message for f in found]
    lowered = safe.lower()
    for bad in ("<script", "javascript:", "vbscript:", "data:", "onmouseover", "style=", "<iframe", "<object",
                "<embed", "<form", "<svg", "<math", "<link", "<meta", "<base", "<video", "srcset", "tracker.example",
                "t.example", "target=", "<font", "file:"):
        assert bad not in lowered, (bad, safe)
    assert check_and_sanitize(safe, DEPTH)[0] == (), "what the sanitizer keeps passes the check"


def test_markup_nested_too_deep_is_found():
    html = "<div>" * 60 + "x" + "</div>" * 60
    assert findings(html) == ["HTML elements are nested more than 50 deep here (2 × MAX_NESTING_DEPTH + 10); "
                              "flatten the markup"]
    assert findings("<p>unclosed " * 200) == []  # optional end tags are no nesting


def test_findings_are_placed_on_the_lines_that_wrote_them():
    lines = ["Title: x", "", "<script>a()</script>", "text", '<a href="javascript&#58;b()">x</a>', "<script>c()</script>"]
    html = '<script>a()</script><p>text</p><a href="javascript:b()">x</a><script>c()</script>'
    found, _ = check_and_sanitize(html, DEPTH)
    assert [line for line, _ in source_lines(found, lines, 3)] == [3, 5, 6]


def test_only_markdown_readers_are_wrapped_once():
    from pelican.readers import MarkdownReader

    readers = type("Readers", (), {"reader_classes": {"md": MarkdownReader, "rst": None}})()
    body_html.use_safe_body_reader(readers)
    body_html.use_safe_body_reader(readers)
    wrapped = readers.reader_classes["md"]
    assert issubclass(wrapped, body_html.SafeBodyReader) and issubclass(wrapped, MarkdownReader)
    assert wrapped.__mro__.count(body_html.SafeBodyReader) == 1 and readers.reader_classes["rst"] is None


@pytest.mark.skipif(not enforceable(), reason="needs CPython's PyThreadState_SetAsyncExc")
def test_time_limit_stops_work_in_any_thread_and_leaves_nothing_behind():
    def spin():
        while True:
            pass

    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded, match="spinning took more than 0.2 s"):
        with time_limit(0.2, "spinning"):
            spin()
    assert time.monotonic() - started < 30  # it stopped (generous: a loaded machine)

    outcome = []

    def in_a_thread():
        try:
            with time_limit(0.2, "thread work"):
                spin()
        except TimeLimitExceeded as error:
            outcome.append(str(error))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join(timeout=60)
    assert outcome == ["thread work took more than 0.2 s"]

    # Limits that end as the work ends never fire later, outside their block.
    for _ in range(500):
        try:
            with time_limit(0.0001, "tiny"):
                sum(range(1000))
        except TimeLimitExceeded:
            pass
    total = 0
    for number in range(200_000):
        total += number
    assert total == sum(range(200_000))


def test_log_lines_name_the_content_file_and_line(tmp_path, monkeypatch):
    import io

    story = tmp_path / "content" / "articles" / "story.md"
    story.parent.mkdir(parents=True)
    story.write_text("Title: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(build_log._STATE, "settings", {"PATH": str(tmp_path / "content")})
    monkeypatch.setitem(build_log._STATE, "errors", 0)
    monkeypatch.setitem(build_log._STATE, "warnings", 0)
    stream = io.StringIO()
    handler = build_log.EditorLogHandler(stream)

    def record(level, msg, *args, **extra):
        item = logging.LogRecord("pelican.generators", level, __file__, 1, msg, args, None)
        item.__dict__.update(extra)
        return item

    try:
        raise body_html.ConversionTooSlow("Markdown did not finish")
    except body_html.ConversionTooSlow:
        handler.emit(record(logging.ERROR, "Could not process %s", "articles/story.md"))
    handler.emit(record(logging.ERROR, "Unknown status '%s' for file %s, skipping it. (Not in %s)", "publishd",
                        str(story), ("published", "draft")))
    handler.emit(record(logging.WARNING, "the image has no alt", source_path=str(story), source_line=7))
    handler.emit(record(logging.WARNING, "Something about the theme"))
    assert stream.getvalue().splitlines() == [
        "content/articles/story.md:1: Markdown did not finish",
        'content/articles/story.md:1: unknown Status "publishd"; the story was left out (use one of: published, '
        "draft)",
        "content/articles/story.md:7: warning: the image has no alt",
        "warning: Something about the theme",
    ]
    assert build_log._STATE["errors"] == 2 and build_log._STATE["warnings"] == 2
    assert build_log.failed({}) and build_log.failed({"STRICT": True})
    monkeypatch.setitem(build_log._STATE, "errors", 0)
    assert not build_log.failed({}) and build_log.failed({"STRICT": True})
