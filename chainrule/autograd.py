"""``chainrule.autograd``: the reverse-mode entry points, as in ``torch.autograd``."""
from .anomaly import detect_anomaly, is_anomaly_enabled
from .backward import backward, grad
from .graph import Node, enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["backward", "grad", "Node", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "detect_anomaly", "is_anomaly_enabled"]
