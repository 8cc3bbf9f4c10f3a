"""Entry point of the bundle's ``reception`` program (the command line; a console program on Windows)."""

import sys

from reception.cli import main

sys.exit(main())
