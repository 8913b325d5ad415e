"""Reading a Netlify / Cloudflare Pages ``_headers`` file as those hosts do."""

import re
from pathlib import Path


def parse_headers_file(path):
    """[(path pattern, [(header, value)])] in file order."""
    rules = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            name, value = line.strip().split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
        else:
            rules.append((line.strip(), []))
    return rules


def pattern_matches(pattern, path):
    regex = "".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern))
    return re.fullmatch(regex, path) is not None


def headers_for(rules, path):
    """Every matching rule applies; a header set by several is joined with ", "."""
    headers = {}
    for pattern, entries in rules:
        if pattern_matches(pattern, path):
            for name, value in entries:
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers
