"""setup.py -- builds the extension deepmad._core with CMake, the one build
definition (python/CMakeLists.txt), and packages python/deepmad.

    /usr/bin/python3 -m venv --system-site-packages .venv
    .venv/bin/python -m pip install --no-build-isolation .

Works offline: setuptools comes from the system (--no-build-isolation), and
CMake builds the library and the extension for the interpreter running
this file.  Needs what the C build needs (scripts/install-deps.sh) and the
interpreter's headers (Debian: python3-dev).
"""
import os
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


def version():
    """DM_VERSION from include/deepmad.h: one version for C and Python."""
    with open(os.path.join(ROOT, "include", "deepmad.h"), encoding="utf-8") as f:
        return re.search(r'#define DM_VERSION "([^"]+)"', f.read()).group(1)


class CMakeBuild(build_ext):
    """Configure and build the CMake target deepmad_py, then copy the module."""

    def build_extension(self, ext):
        build = os.path.abspath(os.path.join(self.build_temp, "cmake"))
        os.makedirs(build, exist_ok=True)
        subprocess.check_call([
            "cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
            "-DPython3_EXECUTABLE=" + sys.executable, "-DDEEPMAD_PYTHON=ON"])
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
        subprocess.check_call(["cmake", "--build", build, "--target", "deepmad_py", "-j", jobs])
        built = os.path.join(build, "python", "deepmad")
        module = [f for f in os.listdir(built) if f.startswith("_core") and f.endswith(".so")]
        if len(module) != 1:
            raise RuntimeError("CMake built no single deepmad._core module in " + built)
        dest = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.join(built, module[0]), dest)


setup(
    version=version(),
    packages=["deepmad"],
    package_dir={"": "python"},
    ext_modules=[Extension("deepmad._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": "build-python"}, "egg_info": {"egg_base": "build-python"}},
    zip_safe=False,
)
