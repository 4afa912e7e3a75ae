"""`python -m sim` is the command-line interface."""

from sim.cli import main

main()
