"""``python -m coopledger``."""

import sys

from coopledger.main import main

sys.exit(main())
