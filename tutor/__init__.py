"""kptutor: adaptive K12 math tutoring driven by a knowledge-point graph.

The public entry points are :mod:`tutor.engine` (for the app and the CLI) and
:func:`tutor.graph.open_store` (for curriculum work). Heavy dependencies
(torch, transformers, the Neo4j driver) are imported lazily by the backends
that need them, so ``import tutor`` stays light.
"""

__version__ = "0.1.0"
