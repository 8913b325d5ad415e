"""A fixture content folder whose metadata tries to inject markup."""

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = "<img src=x onerror=window.__pwned=1>"
TITLE = f'{SCRIPT} “Quotes” & "straight" \'single\' {IMAGE} </title><plaintext>'
SUMMARY = (f'{IMAGE} [click me](javascript:window.__pwned=1) {SCRIPT} "quoted" & <b>bold</b> '
           '</textarea><a href="javascript:window.__pwned=1">link</a>')
TAGS = [SCRIPT, f'"><img src=x onerror=window.__pwned=1> Gaza', "javascript:window.__pwned=1"]
LONG_TITLE = " ".join(["A very long headline that goes on"] * 60)
URDU_TITLE = f"\u200fخبر {SCRIPT} \u2067Lantern\u2069 “اقتباس”"
SLUG = "hostile-metadata"


def write_hostile_content(folder):
    articles = folder / "articles"
    articles.mkdir(parents=True)
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
    return folder
