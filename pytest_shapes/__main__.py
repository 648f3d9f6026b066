"""`python -m pytest_shapes explain [FILE]`: see `pytest_shapes.cli`."""

import sys

from pytest_shapes.cli import main

if __name__ == "__main__":  # imported as a module (a test walking the package), it runs nothing
    sys.exit(main())
