"""What bench/import-cpu.py and bench/import-inproc.py share: their command line (--runs N PWSH MODULE...) and the
empty manifest module each measures beside the modules it is given."""
import argparse
import os
import tempfile


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("pwsh")
    parser.add_argument("modules", nargs="+")
    return parser.parse_args()


def empty_module():
    """The folder of a manifest module with nothing in it: what PowerShell spends on any module."""
    empty = os.path.join(tempfile.mkdtemp(prefix="dockertls-cpu."), "Empty")
    os.mkdir(empty)
    with open(os.path.join(empty, "Empty.psd1"), "w") as f:
        f.write("@{ ModuleVersion = '1.0'; GUID = '0b5e3f5c-8a61-4a5e-9d0e-2c1f6b7a9e11' }\n")
    return empty
