"""Entry point of the bundled command line (PyInstaller runs this file as __main__)."""

import sys

from workbench.cli import main

sys.exit(main())
