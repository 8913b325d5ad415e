"""What stopped a `make serve` rebuild, as an editor should read it.

Every mistake in a story, a template or the settings becomes one `Problem`:
the file, the line, what is wrong and how to fix it.  `make serve` prints it
as one line, ``path:line: message``, and shows it in the browser's error
overlay (tools/preview_server.py).  Only a crash in our own code (a plugin, a
tool) is a `crash` problem, which also keeps its traceback for the terminal.

Where the file and line come from:

* content: plugins/validation.py reports them itself (``ContentProblems``);
  a file that Pelican's reader still fails on is named by Pelican's log line
  ("Could not process ...");
* templates: Jinja's syntax errors carry them; any other error raised while a
  template renders has the template's frame (file and line) in its traceback;
* settings: a syntax error carries them; any other error raised while
  pelicanconf.py runs has its frame in the traceback.
"""

import re
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): (?P<message>.*)$")
COULD_NOT_PROCESS = re.compile(r"^Could not process (?P<path>\S.*?)\s*$")

FIXES = {
    "TemplateSyntaxError": "correct the template's syntax on that line",
    "TemplateNotFound": "name a template that exists under theme/templates/",
    "UndefinedError": "the template uses a name that does not exist there: check its spelling",
    "SyntaxError": "correct the Python syntax on that line",
    "NameError": "define the name before this line, or check its spelling",
}


@dataclass
class Problem:
    path: str  # as printed: relative to the project root when inside it
    line: int
    message: str
    fix: str = ""
    kind: str = "content"  # content | template | settings | crash
    details: str = ""  # a crash's traceback (terminal only)

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}" + (f"; {self.fix}" if self.fix else "")

    def for_browser(self):
        data = asdict(self)
        data.pop("details")
        return data


def shown(path):
    """A path as printed: relative to the project root when it is inside it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def split_fix(message):
    """Our validation messages say what is wrong, then how to fix it, after
    a semicolon: the overlay shows the two apart."""
    what, _, fix = message.partition("; ")
    return what, fix


def from_content_problems(problems):
    """plugins/validation.py's problems (already printed by the plugin)."""
    found = []
    for problem in problems:
        message, fix = split_fix(problem.message)
        found.append(Problem(problem.path, problem.line, message, fix, "content"))
    return found


def from_lines(text):
    """`path:line: message` lines printed by a build in another process
    (tools/build.py); other lines are left out."""
    found = []
    for line in text.splitlines():
        match = CONTENT_LINE.match(line.strip())
        if match and not match["message"].startswith("warning: "):
            message, fix = split_fix(match["message"])
            found.append(Problem(match["path"], int(match["line"]), message, fix, "content"))
    return found


def _frames(error):
    return traceback.extract_tb(error.__traceback__) if error.__traceback__ else []


def _describe(error):
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{text} ({type(error).__name__})" if text else type(error).__name__


def classify(error, templates=(), settings_files=(), content=None, logged_errors=()):
    """The problems behind `error`, raised by a rebuild.  `templates`: template
    folders; `settings_files`: the settings files; `content`: the content folder
    (to name a file Pelican's reader failed on); `logged_errors`: messages of
    the errors Pelican logged during the rebuild."""
    import jinja2

    templates = [Path(folder).resolve() for folder in templates]
    settings_files = {Path(path).resolve() for path in settings_files}
    problems = getattr(error, "problems", None)
    if problems is not None:  # plugins/validation.py: ContentProblems
        return from_content_problems(problems)
    output = getattr(error, "output", None)
    if isinstance(output, str):  # a build in another process (incremental.BuildFailed)
        return from_lines(output) or [Problem("tools/build.py", 1, "the full build failed",
                                              "see the terminal", "crash", output)]

    # The error that started it: Pelican's fatal log raises a RuntimeError
    # while it handles the reader's own exception.
    original = error
    while original.__context__ is not None and isinstance(original, RuntimeError) \
            and str(original) == "Warning or error encountered":
        original = original.__context__

    for message in logged_errors:
        match = COULD_NOT_PROCESS.match(message)
        if match and content is not None:
            cause = _describe(original) if original is not error else "Pelican could not read it"
            return [Problem(shown(Path(content) / match["path"]), 1, f"could not read this file: {cause}",
                            "correct the metadata lines at the top of the file", "content")]

    if isinstance(original, jinja2.TemplateSyntaxError) and original.filename:
        return [Problem(shown(original.filename), original.lineno or 1, f"{original.message} (TemplateSyntaxError)",
                        FIXES["TemplateSyntaxError"], "template")]
    if isinstance(original, SyntaxError) and original.filename and Path(original.filename).resolve() in settings_files:
        return [Problem(shown(original.filename), original.lineno or 1, f"{original.msg} (SyntaxError)",
                        FIXES["SyntaxError"], "settings")]

    frames = _frames(original)
    for frame in reversed(frames):  # the innermost template or settings frame
        path = Path(frame.filename).resolve() if frame.filename and not frame.filename.startswith("<") else None
        if path is None:
            continue
        if any(path.is_relative_to(folder) for folder in templates):
            return [Problem(shown(path), frame.lineno or 1, _describe(original),
                            FIXES.get(type(original).__name__, "correct the template"), "template")]
        if path in settings_files:
            return [Problem(shown(path), frame.lineno or 1, _describe(original),
                            FIXES.get(type(original).__name__, "correct the setting"), "settings")]

    if isinstance(original, jinja2.TemplateNotFound):
        return [Problem("theme/templates", 1, _describe(original), FIXES["TemplateNotFound"], "template")]

    # A crash in our own code: the innermost frame inside the project.
    inside = [frame for frame in frames if frame.filename and Path(frame.filename).resolve().is_relative_to(ROOT)
              and ".venv" not in Path(frame.filename).parts]
    where = inside[-1] if inside else (frames[-1] if frames else None)
    details = "".join(traceback.format_exception(original))
    return [Problem(shown(where.filename) if where else "tools/serve.py", where.lineno if where else 1,
                    _describe(original), "a bug in the site's code, not in your file: see the traceback in the terminal",
                    "crash", details)]
