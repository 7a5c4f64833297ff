"""Run the command-line interface: ``python -m arrangement ...`` (same as ``arrangement ...``)."""

import sys

from arrangement.cli import main

if __name__ == "__main__":
    sys.exit(main())
