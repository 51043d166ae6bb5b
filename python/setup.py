# SPDX-License-Identifier: MIT
"""pip install ./python (offline: Debian's python3-setuptools is enough).

Links libclonexec statically: ../build/libclonexec.a (made with
`make -C .. lib` when missing; CX_BUILD_DIR names another build dir)."""
import glob
import os
import re
import subprocess

from setuptools import Extension, setup

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(here)
build = os.environ.get("CX_BUILD_DIR", os.path.join(top, "build"))
archive = os.path.join(build, "libclonexec.a")
if not os.path.exists(archive):
    subprocess.check_call(["make", "-C", top, "O=" + build, build + "/libclonexec.a"])

with open(os.path.join(top, "include", "clonexec.h")) as f:
    version = ".".join(re.findall(r"#define CX_VERSION_(?:MAJOR|MINOR|PATCH) (\d+)", f.read()))

os.chdir(here)
setup(
    name="clonexec",
    version=version,
    description="Start programs with any mix of Linux process attributes; "
                "a subprocess backend without fork",
    license="MIT",
    python_requires=">=3.11",
    packages=["clonexec"],
    package_data={"clonexec": ["*.pyi", "py.typed"]},
    ext_modules=[Extension(
        "clonexec._clonexec",
        sources=sorted(glob.glob("src/*.c")),
        depends=["src/ext.h", os.path.join(top, "include", "clonexec.h")],
        include_dirs=[os.path.join(top, "include")],
        define_macros=[("_GNU_SOURCE", None)],
        extra_compile_args=["-fvisibility=hidden"],
        extra_objects=[archive],
        libraries=["cap"],
        # libclonexec's symbols stay inside the module.
        extra_link_args=["-Wl,--exclude-libs,ALL"],
    )],
)
