"""The base of every error a user can fix by changing data, options or environment."""

from __future__ import annotations


class EmpathyJudgeError(Exception):
    """A problem with data, configuration or the environment, stated so that a user can fix it.

    The command line shows its message without a traceback.
    """
