"""The base of every error a user can fix by changing data, options or environment."""

from __future__ import annotations

import sys
from types import TracebackType


class EmpathyJudgeError(Exception):
    """A problem with data, configuration or the environment, stated so that a user can fix it.

    The command line shows its message without a traceback. Under ``inspect eval --display
    none`` Inspect's own handler of a ``PrerequisiteError`` prints through a silenced console, so
    an uncaught one of ours would end the command with exit code 1 and no word: creating one
    makes sure its message reaches stderr (`_install_stderr_hook`).
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        _install_stderr_hook()


def _is_prerequisite(error: BaseException) -> bool:
    # Inspect's PrerequisiteError, named rather than imported: this room does not import Inspect.
    return any(kind.__name__ == "PrerequisiteError" for kind in type(error).__mro__)


def _console_quiet() -> bool:
    try:
        import rich
    except ImportError:  # pragma: no cover - rich comes with inspect_ai
        return False
    return bool(rich.get_console().quiet)


#: The exception hooks this module installed (so that it wraps the interpreter's only once).
_OUR_HOOKS: list[object] = []


def _install_stderr_hook() -> None:
    """Wrap the interpreter's exception hook once, so that our one-line messages are seen.

    The wrapper acts only on an uncaught `EmpathyJudgeError` that Inspect's handler would print
    through its console while that console is quiet (``--display none``): the message goes to
    stderr, then the previous handler runs as before (exit code 1).
    """
    if sys.excepthook in _OUR_HOOKS:
        return
    previous = sys.excepthook

    def handler(
        kind: type[BaseException], error: BaseException, traceback: TracebackType | None
    ) -> None:
        if isinstance(error, EmpathyJudgeError) and _is_prerequisite(error) and _console_quiet():
            message = getattr(error, "message", None) or str(error)
            print(f"\n{message}\n", file=sys.stderr, flush=True)
        previous(kind, error, traceback)

    _OUR_HOOKS.append(handler)
    sys.excepthook = handler
