"""Run the command line with ``python -m localdata``."""

from localdata.cli import main

main()
