import sys

from afus.cli import main

sys.exit(main())
