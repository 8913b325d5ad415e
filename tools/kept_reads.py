"""What `make serve` read, kept on disk from one start to the next.

Between its builds a `tools/incremental.Session` keeps every edition's story
objects in memory (a file whose stamp did not change is not read again) and
plugins/validation.py keeps each file's checks.  A new start used to read
and check every file again: 10 s of the 16 s before the first page at
5,000 stories.  Once a start has written its pages, `save` writes both to a
file beside the output folder (`state_file`); the next start (`load`) takes
them back, and a file whose stamp (plugins/file_stamps.py) is the same is
not read or checked again, as in a rebuild of the same session.

The file holds for one environment only (`environment_key`): the settings as
read (they name the content, output and theme folders), the source of the
settings file, of every plugin and of the session's modules, the Python
version and the version of every installed distribution, taken before the
start reads.  Anything else, or a damaged file, and the file is not used: the
start reads everything and writes a new one.

Not kept, and read again at the next start: a story that shows photos or
links to files of the content folder (reading it publishes those files), and
a story whose body had HTML outside the policy (plugins/body_html.py reports
it when it reads the file: a new start must show the problem again).

Each story object refers to its edition's settings and context.  They are
written as references, not copies (the settings hold classes made at run
time), and bound to the new build's at the start of its generators (`bind`):
a story taken back refers to this build's context, as one read now would.

The file is written by the editor's own `make serve` and read by it only,
like Pelican's own content cache (``CACHE_CONTENT``), which is also a pickle.
"""

import copyreg
import hashlib
import importlib.metadata
import json
import os
import pickle
import sys
import types
from pathlib import Path

from pelican.urlwrappers import URLWrapper

ROOT = Path(__file__).resolve().parent.parent
FORMAT = 1  # of the file: a new one is not read by an older session, nor the reverse

# Settings that differ between a start and the rebuilds after it, not between two starts.
SESSION_ONLY_SETTINGS = ("PAGES_AFTER_SERVING",)


def state_file(output):
    """Where the reads of a preview built into `output` are kept: beside it."""
    output = Path(output)
    return output.parent / f".{output.name}.serve-reads.pickle"


def _stable(value):
    """`value` as JSON that is the same in every process: functions and classes
    by their qualified names, other objects by type and repr."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, dict):
        return {str(key): _stable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stable(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(_stable(item), sort_keys=True) for item in value)
    if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
    return f"{type(value).__module__}.{type(value).__qualname__}: {value!r}"


def environment_key(settings, settings_file, modules):
    """A digest of what every kept read depends on besides its own file."""
    distributions = sorted((distribution.metadata.get("Name") or "", distribution.version or "")
                           for distribution in importlib.metadata.distributions())
    facts = {
        "format": FORMAT,
        "python": sys.version,
        "platform": sys.platform,
        "distributions": distributions,
        "settings": _stable({key: value for key, value in settings.items() if key not in SESSION_ONLY_SETTINGS}),
    }
    digest = hashlib.blake2b(json.dumps(facts, sort_keys=True).encode(), digest_size=16)
    for path in [Path(settings_file), *sorted(modules)]:
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


def session_modules(settings):
    """The source files the reads depend on: every module of the settings'
    plugin folders, and the session's own."""
    found = {Path(__file__).resolve(), ROOT / "tools" / "incremental.py"}
    for folder in settings.get("PLUGIN_PATHS", ()):
        folder = Path(folder) if Path(folder).is_absolute() else ROOT / folder
        found.update(path.resolve() for path in folder.rglob("*.py") if "__pycache__" not in path.parts)
    return found


class _EditionPart:
    """Written in place of an edition's settings or context (`reference`:
    ("settings" or "context", its language))."""

    def __init__(self, reference):
        self.reference = reference

    def __reduce__(self):
        return _placeholder, self.reference


_LOADING = {}  # while `load` runs: reference -> the dict standing for it until `bind`


def _placeholder(kind, lang):
    return _LOADING.setdefault((kind, lang), {})


class _Writer(pickle.Pickler):
    """Stories, and the sections, tags and authors they hold, with their
    edition's settings and context written as `_EditionPart`s; stories
    without the session's render token (tools/incremental.token: the next
    process counts its tokens from 1 again).  Only objects of those classes
    go through Python (`dispatch_table`): a `persistent_id` would be asked
    for each of the millions of objects (1.7 s at 5,000 stories)."""

    def __init__(self, file, shared, classes):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.parts = {key: _EditionPart(reference) for key, reference in shared.items()}
        self.dispatch_table = {**copyreg.dispatch_table, **{cls: self._reduce for cls in classes}}

    def _reduce(self, obj):
        state = {name: self.parts.get(id(value), value) for name, value in obj.__dict__.items()
                 if name != "_render_token"}
        return copyreg.__newobj__, (type(obj),), state


def kept_files(caches, left_out):
    """`caches` ({edition key: {file: (stamp, story)}}) without the files in
    `left_out` (source paths), in any edition, and those deleted since."""
    left_out = set(left_out) | {story.source_path for cache in caches.values() for _, story in cache.values()
                                if not os.path.exists(story.source_path)}
    return {key: {name: entry for name, entry in cache.items() if entry[1].source_path not in left_out}
            for key, cache in caches.items()}


class NotKept(Exception):
    """What was read could not be written for the next start."""


def remove_leftovers(output):
    """What a server stopped while it wrote the file left (`save`)."""
    path = state_file(output)
    for leftover in path.parent.glob(f"{path.name}.*.tmp"):
        leftover.unlink(missing_ok=True)


def save(path, key, caches, generators, checks, placeholders=None):
    """Write `caches` (the session's) and `checks` (plugins/validation.py's
    kept checks) for the start with the same `key`.  `placeholders`: those
    of the reads this session took back (`load`), which some objects still
    hold.  Returns the number of files kept; raises NotKept when they could
    not be written (the next start reads everything)."""
    path = Path(path)
    shared = {id(placeholder): reference for reference, placeholder in (placeholders or {}).items()}
    for (lang, _), generator in generators.items():
        shared[id(generator.settings)] = ("settings", lang)
        shared[id(generator.context)] = ("context", lang)
    classes = set()
    for cache in caches.values():
        for _, story in cache.values():
            classes.add(type(story))
            for value in story.metadata.values():
                classes.update(type(item) for item in (value if isinstance(value, list) else [value])
                               if isinstance(item, URLWrapper))
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as file:
            pickle.dump((FORMAT, key), file, protocol=pickle.HIGHEST_PROTOCOL)
            _Writer(file, shared, classes).dump((caches, checks))
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        path.unlink(missing_ok=True)  # the last start's, older than what this one read
        if isinstance(error, Exception):
            raise NotKept(f"{type(error).__name__}: {error}") from error
        raise
    return len({name for cache in caches.values() for name in cache})


def load(path, key):
    """(caches, checks, placeholders) kept by `save` with the same `key`, or None."""
    try:
        with Path(path).open("rb") as file:
            if pickle.load(file) != (FORMAT, key):
                return None
            _LOADING.clear()
            caches, checks = pickle.load(file)
    except Exception:  # noqa: BLE001: cut short or damaged: read everything, and write it anew
        Path(path).unlink(missing_ok=True)
        return None
    finally:
        placeholders = dict(_LOADING)
        _LOADING.clear()
    return caches, checks, placeholders


def bind(placeholders, generator, cache):
    """At a generator's start: the stories of `cache` refer to this build's
    settings and context of the generator's edition, as a story read now
    would.  What else held the settings (a section's or tag's object) gets a
    copy of them."""
    lang = generator.settings["DEFAULT_LANG"]
    settings = placeholders.get(("settings", lang))
    context = placeholders.get(("context", lang))
    if settings is not None and not settings:
        settings.update(generator.settings)
    for _, story in cache.values():
        if settings is not None and story.__dict__.get("settings") is settings:
            story.settings = generator.settings
        if context is not None and story.__dict__.get("_context") is context:
            story._context = generator.context
