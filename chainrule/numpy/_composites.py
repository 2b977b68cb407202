"""Array-manipulation and matrix-structure functions of ``chainrule.numpy``.

Every function here is a composite of existing chainrule ops, so derivatives of every
order come for free in both modes. The only new primitives are argsort and argpartition,
which are not differentiated (they give indices). The functions live in small modules
by job; this one gathers their names for ``from ._composites import *``.
"""
from ._calculus import *  # noqa: F401,F403
from ._calculus import __all__ as _calculus
from ._index_tricks import *  # noqa: F401,F403
from ._index_tricks import __all__ as _index_tricks
from ._joining import *  # noqa: F401,F403
from ._joining import __all__ as _joining
from ._rearranging import *  # noqa: F401,F403
from ._rearranging import __all__ as _rearranging
from ._sorting import *  # noqa: F401,F403
from ._sorting import __all__ as _sorting
from ._splitting import *  # noqa: F401,F403
from ._splitting import __all__ as _splitting
from ._structure import *  # noqa: F401,F403
from ._structure import __all__ as _structure
from ._selecting import *  # noqa: F401,F403
from ._selecting import __all__ as _selecting

__all__ = [*_calculus, *_index_tricks, *_joining, *_rearranging, *_selecting, *_sorting,
           *_splitting, *_structure]
