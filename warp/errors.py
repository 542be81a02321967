"""The two ways a warp command fails, each with its exit code."""


class InputError(Exception):
    """Bad input: names the field, the value and what is allowed (exit code 2)."""

    exit_code = 2


class RunError(Exception):
    """A solver or runtime failure on valid input (exit code 1)."""

    exit_code = 1
