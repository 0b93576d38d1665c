"""Errors a user can fix: printed as one line, never as a traceback (unless --verbose)."""

from __future__ import annotations


class UserError(Exception):
    """Something wrong with the input or the machine, with what to do about it."""

    exit_code = 2


class RenderFailed(UserError):
    """A render started but did not finish; the previous output is untouched."""

    exit_code = 1
