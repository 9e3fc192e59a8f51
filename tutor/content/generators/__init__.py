"""Item generators, one module per area; each registers its generators on import.

Importing this package is the loader: it imports every generator module, and each adds its
generators to :data:`tutor.content.registry.GENERATORS`. The modules import the registry,
never :mod:`tutor.content.items` (which imports this package), so there is no import cycle.
"""

from tutor.content.generators import (  # noqa: F401
    algebra,
    decimal_compare,
    equations_functions,
    fractions,
    geometry,
    measurement,
    number_sense,
    rational,
    statistics,
    whole_numbers,
)
