"""The quality gates that `make check` (tools/check.py) runs on a built site.

One module per gate.  Each gate function returns a `GateResult`: what it
checked and what failed, in words a person can act on.
"""

from dataclasses import dataclass, field


@dataclass
class GateResult:
    name: str
    checked: int = 0
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.failures
