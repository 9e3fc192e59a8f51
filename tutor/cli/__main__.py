"""``python -m tutor.cli`` runs the ``tutor`` command."""

from tutor.cli import main

main()
