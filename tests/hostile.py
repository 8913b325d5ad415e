"""A fixture content folder that tries to inject markup, run scripts and reach other hosts.

Its metadata (titles, summaries, tags) carries markup that must print as
text; the body of `hostile-body` carries every kind of HTML a story's body may
not run or load (tests/test_hostile_body.py lists them), next to the markup
news needs, which must stay.  Remote URLs point at `attacker` (a local server
on another port, so that a request a sanitizer let through would really be
made, and seen).  Bidi controls and other refused metadata are tested by
tests/test_validation.py, since they stop the build.
"""

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = "<img src=x onerror=window.__pwned=1>"
TITLE = f'{SCRIPT} “Quotes” & "straight" \'single\' -- dashes... {IMAGE} </title><plaintext>'
SUMMARY = (f'{IMAGE} [click me](javascript:window.__pwned=1) {SCRIPT} "quoted" & <b>bold</b> '
           '</textarea><a href="javascript:window.__pwned=1">link</a>')
TAGS = [SCRIPT, f'"><img src=x onerror=window.__pwned=1> Gaza', "javascript:window.__pwned=1"]
LONG_TITLE = " ".join(["A very long headline that goes on"] * 60)
URDU_TITLE = f"خبر {SCRIPT} Lantern “اقتباس”"
SLUG = "hostile-metadata"
# Tags that Pelican's default slug rules would all send to /tag/c/.
LANGUAGE_TAGS = {"C": "c", "C++": "c-plus-plus", "C#": "c-sharp"}
BODY_SLUG = "hostile-body"
# What a successful attack would leave: a global, a console line, a dialog.
MARKER = "PWNED"
PLAIN_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" '
             'fill="#7a1f1f"/></svg>\n')


def hostile_body(attacker):
    """Markdown whose HTML must not run, load or submit anything.  Each
    paragraph is one attack; `attacker` is http://host:port of another origin."""
    run = f"window.__pwned=1;console.log('{MARKER}');alert('{MARKER}')"
    return "\n\n".join([
        "**KARACHI:** The paragraphs below try everything a story's body may not do.",
        f"<script>{run}</script>",
        f'<img src="/favicon.svg" alt="Icon with handlers" onerror="{run}" onload="{run}">',
        f"[a javascript link](javascript:{run})",
        f'<a href="JaVaScRiPt:{run}">mixed-case javascript link</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a data link</a>',
        f"![a remote image]({attacker}/remote-image.png)",
        f'<img src="{attacker.replace("http:", "")}/protocol-relative.png" alt="protocol-relative image">',
        f'<img src="/favicon.svg" alt="Icon with srcset" srcset="{attacker}/srcset.png 2x">',
        f'<p style="background-image:url({attacker}/css-url.png)">A paragraph with a style attribute.</p>',
        f'<iframe src="{attacker}/frame.html"></iframe>',
        f'<object data="{attacker}/object.swf"></object><embed src="{attacker}/embed.swf">',
        f'<form action="{attacker}/form"><input name="q" autofocus onfocus="{run}"><button>Go</button></form>',
        f'<svg onload="{run}"><script>{run}</script></svg>',
        f"<style>body{{background:url({attacker}/style-element.png)}}</style>",
        f'<link rel="stylesheet" href="{attacker}/sheet.css"><meta http-equiv="refresh" content="0;url={attacker}/refresh">',
        f'<base href="{attacker}/">',
        f'<details open ontoggle="{run}"><summary>More</summary>Text behind a summary.</details>',
        f'<video src="{attacker}/clip.mp4" autoplay></video><audio src="{attacker}/clip.mp3" autoplay></audio>',
        f'A paragraph with Markdown attributes.\n{{: onclick="{run}" style="color:red" }}',
        f'<a href="{attacker}/page" ping="{attacker}/ping" target="_blank">a link with ping</a>',
        # What news needs, which must stay:
        "| Party | Seats |\n|---|---|\n| Blue | 12 |\n| Green | 9 |",
        '<blockquote cite="https://example.org/speech"><p>A quotation with its source.</p></blockquote>',
        '<figure><img src="/favicon.svg" alt="The paper\'s icon" width="32" height="32">'
        "<figcaption>A local image with a caption.</figcaption></figure>",
        'Write to <a href="mailto:desk@example.org">the desk</a>, read <a href="https://example.org/report">the '
        'report</a> or the <abbr title="Pakistan Meteorological Department">PMD</abbr> forecast.',
        "Code shows markup as text: `<script>alert(1)</script>`.",
    ]) + "\n"


def write_hostile_content(folder, attacker="http://127.0.0.1:9"):
    articles = folder / "articles"
    articles.mkdir(parents=True)
    (folder / "extra").mkdir()
    (folder / "extra" / "favicon.svg").write_text(PLAIN_SVG, encoding="utf-8")
    (articles / "hostile.md").write_text(
        f"Title: {TITLE}\nDate: 2018-05-02 10:00\nCategory: World\nTags: {', '.join(TAGS)}\n"
        f"Slug: {SLUG}\nSummary: {SUMMARY}\n\n**KARACHI:** The body is trusted editor Markdown.\n",
        encoding="utf-8")
    (articles / "hostile.ur.md").write_text(
        f"Title: {URDU_TITLE}\nDate: 2018-05-02 10:00\nCategory: دنیا\nTags: {SCRIPT}\nSlug: {SLUG}\nLang: ur\n"
        f"Translated_From: en\nSummary: {SUMMARY}\n\n**کراچی:** متن۔\n", encoding="utf-8")
    (articles / "long.md").write_text(
        f"Title: {LONG_TITLE}\nDate: 2018-05-01\nCategory: Pakistan\nSlug: long-headline\n"
        f"Summary: {'A long summary. ' * 8}\n\n**LAHORE:** Body.\n", encoding="utf-8")
    (articles / "hostile-body.md").write_text(
        f"Title: A story whose body attacks\nDate: 2018-05-02 11:00\nCategory: World\nSlug: {BODY_SLUG}\n"
        f"Tags: {', '.join(LANGUAGE_TAGS)}\n"
        f"Summary: Every paragraph of this story's body tries to run a script or reach another host.\n\n"
        f"{hostile_body(attacker)}", encoding="utf-8")
    return folder
