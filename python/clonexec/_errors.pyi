# SPDX-License-Identifier: MIT
class SpawnError(OSError):
    step: int
    step_name: str
    index: int
    object: str
    message: str

def error_class(code: int) -> type[SpawnError]: ...
