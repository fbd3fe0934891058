"""Reference NumPy engine: the corrected, runnable form of each exam code problem.

Relative imports only: quiz.resources loads this package under a private name.
"""

from ._common import _calculate_do, _rnn, _sigmoid, rnn_net, softmax
from .attention import attention
from .bidirectional import bidirectional_rnn_net
from .bptt import bptt
from .encode import encode
from .gradient_clipping import gradient_clipping
from .gru import gru
from .lstm import lstm
from .traverse import traverse

__all__ = [
    "attention",
    "bidirectional_rnn_net",
    "bptt",
    "encode",
    "gradient_clipping",
    "gru",
    "lstm",
    "rnn_net",
    "softmax",
    "traverse",
    "_calculate_do",
    "_rnn",
    "_sigmoid",
]
