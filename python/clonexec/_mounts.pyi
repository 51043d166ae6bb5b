# SPDX-License-Identifier: MIT
import os
from dataclasses import dataclass
from typing import Union

_Path = Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]

class Mount:
    def plan(self) -> tuple[int, int, bytes | None, bytes, int, int]: ...

@dataclass(frozen=True)
class Bind(Mount):
    source: _Path
    target: _Path | None = ...
    readonly: bool = ...
    devices: bool = ...
    missing_ok: bool = ...

@dataclass(frozen=True)
class Tmpfs(Mount):
    target: _Path
    size: int | None = ...
    mode: int | None = ...

@dataclass(frozen=True)
class Proc(Mount):
    target: _Path = ...

@dataclass(frozen=True)
class Dev(Mount):
    target: _Path = ...

@dataclass(frozen=True)
class Mqueue(Mount):
    target: _Path = ...

@dataclass(frozen=True)
class Dir(Mount):
    target: _Path
    mode: int | None = ...

@dataclass(frozen=True)
class Symlink(Mount):
    source: _Path
    target: _Path

@dataclass(frozen=True)
class RemountReadOnly(Mount):
    target: _Path

@dataclass(frozen=True)
class Chmod(Mount):
    target: _Path
    mode: int
