"""Precompressed copies: every text file of a publish build has an up-to-date
`.br` and `.gz` next to it (plugins/compressed_copies.py), so a host that serves
precompressed files never sends a stale page."""

import gzip
from pathlib import Path

import brotli

from . import GateResult

TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".xml", ".atom", ".svg", ".txt"}
DECOMPRESS = {".br": brotli.decompress, ".gz": gzip.decompress}
# compressed_copies skips a file that compression would not make smaller.
TOO_SMALL_TO_COMPRESS = 200


def check_compressed(root, name="precompressed"):
    result = GateResult(name)
    for path in sorted(Path(root).rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        result.checked += 1
        data = path.read_bytes()
        for suffix, decompress in DECOMPRESS.items():
            copy = path.with_name(path.name + suffix)
            where = path.relative_to(root).as_posix()
            if not copy.exists():
                if len(data) >= TOO_SMALL_TO_COMPRESS:
                    result.failures.append(f"{where}: no {suffix} copy")
            elif decompress(copy.read_bytes()) != data:
                result.failures.append(f"{where}{suffix} is stale: it does not decompress to {where}")
    return result
