"""chainrule: automatic differentiation for NumPy code.

A Tensor records what is computed on it; ``backward`` (or ``autograd.grad``) applies the
chain rule from the output back to the inputs, to any order.
"""
from . import tensor_methods as _tensor_methods  # noqa: F401  (binds the operators)
from . import autograd, errors, linalg, random, testing, viz
from .api import *  # noqa: F401,F403
from .api import __all__ as _api_names
from .creation import (arange, asarray, empty, empty_like, eye, full, full_like, linspace, ones,
                       ones_like, tensor, zeros, zeros_like)
from .dtypes import (bool_, complex64, complex128, float16, float32, float64,
                     get_default_dtype, int32, int64, set_default_dtype)
from .anomaly import detect_anomaly, is_anomaly_enabled
from .graph import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .custom import Function, checkpoint, custom_jvp, custom_vjp
from .interop import from_dlpack
from .serialize import load, save
from .tensor import Tensor, is_tensor
from .transforms import (grad, hessian, hvp, jacfwd, jacobian, jacrev, jvp, linearize,
                         value_and_grad, vjp, vmap)

__version__ = "0.1.0"

newaxis = None
pi = 3.141592653589793
e = 2.718281828459045
inf = float("inf")
nan = float("nan")


def stop_gradient(x) -> Tensor:
    """The values of x, outside the graph: no gradient flows back through the result."""
    return x.detach() if isinstance(x, Tensor) else asarray(x)


__all__ = list(_api_names) + [
    "Tensor", "tensor", "asarray", "arange", "zeros", "ones", "full", "empty", "eye",
    "linspace", "zeros_like", "ones_like", "full_like", "empty_like", "random", "linalg",
    "autograd", "testing", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "stop_gradient", "is_tensor", "set_default_dtype", "get_default_dtype", "float16",
    "float32", "float64", "int32", "int64", "bool_", "complex64", "complex128", "newaxis",
    "pi", "e", "inf", "nan",
    "grad", "value_and_grad", "vjp", "jvp", "linearize", "vmap", "jacrev", "jacfwd",
    "jacobian", "hessian", "hvp", "custom_vjp", "custom_jvp", "Function", "checkpoint",
    "detect_anomaly", "is_anomaly_enabled", "save", "load", "from_dlpack",
]
