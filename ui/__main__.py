"""``python -m ui``: start the desk."""

from ui.app import main

raise SystemExit(main())
