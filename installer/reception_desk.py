"""Entry point of the bundle's ``reception-desk`` program (the desk; windowed on Windows)."""

import sys

from ui.app import main

sys.exit(main())
