"""chainrule.torch against PyTorch 2.13: the grad_fn names, the printed tensors and the
errors, case by case. The expected values are PyTorch's own, written down here so that
the tests run without PyTorch; where PyTorch is installed, each case is also run in it and
must give the same (so a table that drifted from PyTorch fails)."""
from __future__ import annotations

import pytest

import chainrule.torch as chainrule_torch

SETUP = """
x = torch.arange(4.0, requires_grad=True)
M = torch.ones(3, 4, requires_grad=True)
v = torch.ones(4, requires_grad=True)
B = torch.ones(2, 3, 4, requires_grad=True)
"""


def run(code: str, torch):
    namespace = {"torch": torch}
    exec(SETUP, namespace)  # noqa: S102 - the cases below
    return eval(code, namespace)  # noqa: S307


def real_torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed: the tables stand "
                                               "unchecked against it")


# ---------------------------------------------------------------- grad_fn names

NAMES = [
    ('2 * torch.dot(x, x)', 'MulBackward0'),
    ('torch.dot(x, x)', 'DotBackward0'),
    ('x.dot(x)', 'DotBackward0'),
    ('x * x', 'MulBackward0'),
    ('2 * x', 'MulBackward0'),
    ('x + 1', 'AddBackward0'),
    ('1 + x', 'AddBackward0'),
    ('x - x', 'SubBackward0'),
    ('1 - x', 'RsubBackward1'),
    ('x - 1', 'SubBackward0'),
    ('x / (x + 1)', 'DivBackward0'),
    ('1 / (x + 1)', 'MulBackward0'),
    ('-x', 'NegBackward0'),
    ('x ** 2', 'PowBackward0'),
    ('2 ** x', 'PowBackward2'),
    ('x ** x', 'PowBackward1'),
    ('x.pow(2)', 'PowBackward0'),
    ('x.mean()', 'MeanBackward0'),
    ('torch.mean(x)', 'MeanBackward0'),
    ('M.mean(dim=1)', 'MeanBackward1'),
    ('x.sum()', 'SumBackward0'),
    ('torch.sum(x)', 'SumBackward0'),
    ('M.sum(dim=1)', 'SumBackward1'),
    ('M.sum(0)', 'SumBackward1'),
    ('x.norm()', 'LinalgVectorNormBackward0'),
    ('torch.norm(x)', 'LinalgVectorNormBackward0'),
    ('M.norm(dim=1)', 'LinalgVectorNormBackward0'),
    ('M.norm()', 'LinalgVectorNormBackward0'),
    ('x.norm(p=1)', 'LinalgVectorNormBackward0'),
    ('torch.stack([x, x])', 'StackBackward0'),
    ('torch.stack([x, x], dim=1)', 'StackBackward0'),
    ('torch.cat([x, x])', 'CatBackward0'),
    ('x.max()', 'MaxBackward1'),
    ('M.max(dim=1)[0]', 'MaxBackward0'),
    ('x.min()', 'MinBackward1'),
    ('M.min(dim=1).values', 'MinBackward0'),
    ('x.unsqueeze(0)', 'UnsqueezeBackward0'),
    ('x.unsqueeze(0).squeeze()', 'SqueezeBackward0'),
    ('x.unsqueeze(0).squeeze(0)', 'SqueezeBackward1'),
    ('torch.mv(M, v)', 'MvBackward0'),
    ('M.mv(v)', 'MvBackward0'),
    ('torch.mm(M, M.t())', 'MmBackward0'),
    ('torch.matmul(M, v)', 'MvBackward0'),
    ('M @ M.t()', 'MmBackward0'),
    ('x @ x', 'DotBackward0'),
    ('v @ M.t()', 'SqueezeBackward4'),
    ('B @ v', 'UnsafeViewBackward0'),
    ('M.t()', 'TBackward0'),
    ('M.transpose(0, 1)', 'TransposeBackward0'),
    ('M.mT', 'TransposeBackward0'),
    ('M.permute(1, 0)', 'PermuteBackward0'),
    ('M.T', 'PermuteBackward0'),
    ('M.reshape(12)', 'ViewBackward0'),
    ('M.view(12)', 'ViewBackward0'),
    ('M.flatten()', 'ViewBackward0'),
    ('x.expand(2, 4)', 'ExpandBackward0'),
    ('x.repeat(2)', 'RepeatBackward0'),
    ('x.exp()', 'ExpBackward0'),
    ('torch.exp(x)', 'ExpBackward0'),
    ('(x + 1).log()', 'LogBackward0'),
    ('x.sin()', 'SinBackward0'),
    ('torch.sin(x)', 'SinBackward0'),
    ('x.cos()', 'CosBackward0'),
    ('x.tanh()', 'TanhBackward0'),
    ('x.sigmoid()', 'SigmoidBackward0'),
    ('x.relu()', 'ReluBackward0'),
    ('x.abs()', 'AbsBackward0'),
    ('(x + 1).sqrt()', 'SqrtBackward0'),
    ('x.square()', 'PowBackward0'),
    ('x.clamp(0, 1)', 'ClampBackward1'),
    ('x.clamp(min=0)', 'ClampBackward1'),
    ('x[1]', 'SelectBackward0'),
    ('x[1:3]', 'SliceBackward0'),
    ('x[:]', 'SliceBackward0'),
    ('x[None]', 'UnsqueezeBackward0'),
    ('M[1, 2]', 'SelectBackward0'),
    ('M[:, 1]', 'SelectBackward0'),
    ('M[0, 1:2]', 'SliceBackward0'),
    ('M[torch.tensor([0, 1])]', 'IndexBackward0'),
    ('x[x > 1]', 'IndexBackward0'),
    ('x.clone()', 'CloneBackward0'),
    ('x.prod()', 'ProdBackward0'),
    ('M.prod(1)', 'ProdBackward1'),
    ('x.var()', 'VarBackward0'),
    ('x.std()', 'StdBackward0'),
    ('M.var(dim=1)', 'VarBackward0'),
    ('x.cumsum(0)', 'CumsumBackward0'),
    ('x.cumprod(0)', 'CumprodBackward0'),
    ('x.logsumexp(0)', 'LogsumexpBackward0'),
    ('x.softmax(0)', 'SoftmaxBackward0'),
    ('x.log_softmax(0)', 'LogSoftmaxBackward0'),
    ('x.double()', 'ToCopyBackward0'),
    ('x.to(torch.float64)', 'ToCopyBackward0'),
    ('torch.where(x > 1, x, x * 2)', 'WhereBackward0'),
    ('torch.maximum(x, x * 2)', 'MaximumBackward0'),
    ('torch.minimum(x, x * 2)', 'MinimumBackward0'),
    ('x.max(x * 2)', 'MaximumBackward0'),
    ('torch.outer(x, x)', 'MulBackward0'),
    ('torch.tensordot(x, x, dims=1)', 'ViewBackward0'),
    ('x.add(x)', 'AddBackward0'),
    ('x.sub(x)', 'SubBackward0'),
    ('x.mul(x)', 'MulBackward0'),
    ('x.div(x + 1)', 'DivBackward0'),
    ('torch.add(x, x)', 'AddBackward0'),
    ('torch.mul(x, x)', 'MulBackward0'),
    ('x.neg()', 'NegBackward0'),
    ('torch.exp2(x)', 'Exp2Backward0'),
    ('x.detach() * x', 'MulBackward0'),
]


@pytest.mark.parametrize("code, name", NAMES, ids=[c for c, _ in NAMES])
def test_grad_fn_names(code, name):
    out = run(code, chainrule_torch)
    assert type(out.grad_fn).__name__ == name and out.grad_fn.name() == name
    assert f"grad_fn=<{name}>" in repr(out)


@pytest.mark.parametrize("code, name", NAMES, ids=[c for c, _ in NAMES])
def test_grad_fn_names_are_pytorchs(code, name):
    assert type(run(code, real_torch()).grad_fn).__name__ == name


# ---------------------------------------------------------------- printing

PRINTS = [
    ('torch.tensor(3.)',
     'tensor(3.)'),
    ('torch.tensor(3.5)',
     'tensor(3.5000)'),
    ('torch.tensor(-0.)',
     'tensor(-0.)'),
    ('torch.tensor(2)',
     'tensor(2)'),
    ('torch.tensor(True)',
     'tensor(True)'),
    ('torch.tensor([True, False])',
     'tensor([ True, False])'),
    ('torch.tensor(1e10)',
     'tensor(1.0000e+10)'),
    ('torch.tensor(1e-5)',
     'tensor(1.0000e-05)'),
    ('torch.tensor(123456789.)',
     'tensor(1.2346e+08)'),
    ('torch.tensor(0.1)',
     'tensor(0.1000)'),
    ('torch.tensor(-185575.1406)',
     'tensor(-185575.1406)'),
    ('torch.arange(4.0)',
     'tensor([0., 1., 2., 3.])'),
    ('torch.arange(12).reshape(3, 4)',
     'tensor([[ 0,  1,  2,  3],\n        [ 4,  5,  6,  7],\n        [ 8,  9, 10, 11]])'),
    ('torch.arange(24.).reshape(2, 3, 4)',
     'tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])'),
    ('torch.arange(16.).reshape(2, 2, 2, 2)',
     'tensor([[[[ 0.,  1.],\n          [ 2.,  3.]],\n\n         [[ 4.,  5.],\n          [ 6.,  7.]]],\n\n\n        [[[ 8.,  9.],\n          [10., 11.]],\n\n         [[12., 13.],\n          [14., 15.]]]])'),
    ('torch.zeros(1, 1, 1)',
     'tensor([[[0.]]])'),
    ('torch.zeros(0)',
     'tensor([])'),
    ('torch.zeros(2, 0)',
     'tensor([], size=(2, 0))'),
    ('torch.zeros(0, 3)',
     'tensor([], size=(0, 3))'),
    ('torch.zeros(2, 0, 3)',
     'tensor([], size=(2, 0, 3))'),
    ('torch.zeros(0, dtype=torch.int64)',
     'tensor([], dtype=torch.int64)'),
    ('torch.zeros(0, dtype=torch.bool)',
     'tensor([], dtype=torch.bool)'),
    ('torch.zeros(2, 0, dtype=torch.float64)',
     'tensor([], size=(2, 0), dtype=torch.float64)'),
    ('torch.zeros(2, 0, dtype=torch.int32)',
     'tensor([], size=(2, 0), dtype=torch.int32)'),
    ('torch.zeros(3, 0, requires_grad=True)',
     'tensor([], size=(3, 0), requires_grad=True)'),
    ('torch.arange(1001.0)',
     'tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])'),
    ('torch.arange(1001)',
     'tensor([   0,    1,    2,  ...,  998,  999, 1000])'),
    ('torch.arange(2000).reshape(2, 1000)',
     'tensor([[   0,    1,    2,  ...,  997,  998,  999],\n        [1000, 1001, 1002,  ..., 1997, 1998, 1999]])'),
    ('torch.arange(3000.).reshape(3, 10, 100)',
     'tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.7000e+01,\n          9.8000e+01, 9.9000e+01],\n         [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.9700e+02,\n          1.9800e+02, 1.9900e+02],\n         [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 2.9700e+02,\n          2.9800e+02, 2.9900e+02],\n         ...,\n         [7.0000e+02, 7.0100e+02, 7.0200e+02,  ..., 7.9700e+02,\n          7.9800e+02, 7.9900e+02],\n         [8.0000e+02, 8.0100e+02, 8.0200e+02,  ..., 8.9700e+02,\n          8.9800e+02, 8.9900e+02],\n         [9.0000e+02, 9.0100e+02, 9.0200e+02,  ..., 9.9700e+02,\n          9.9800e+02, 9.9900e+02]],\n\n        [[1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.0970e+03,\n          1.0980e+03, 1.0990e+03],\n         [1.1000e+03, 1.1010e+03, 1.1020e+03,  ..., 1.1970e+03,\n          1.1980e+03, 1.1990e+03],\n         [1.2000e+03, 1.2010e+03, 1.2020e+03,  ..., 1.2970e+03,\n          1.2980e+03, 1.2990e+03],\n         ...,\n         [1.7000e+03, 1.7010e+03, 1.7020e+03,  ..., 1.7970e+03,\n          1.7980e+03, 1.7990e+03],\n         [1.8000e+03, 1.8010e+03, 1.8020e+03,  ..., 1.8970e+03,\n          1.8980e+03, 1.8990e+03],\n         [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9970e+03,\n          1.9980e+03, 1.9990e+03]],\n\n        [[2.0000e+03, 2.0010e+03, 2.0020e+03,  ..., 2.0970e+03,\n          2.0980e+03, 2.0990e+03],\n         [2.1000e+03, 2.1010e+03, 2.1020e+03,  ..., 2.1970e+03,\n          2.1980e+03, 2.1990e+03],\n         [2.2000e+03, 2.2010e+03, 2.2020e+03,  ..., 2.2970e+03,\n          2.2980e+03, 2.2990e+03],\n         ...,\n         [2.7000e+03, 2.7010e+03, 2.7020e+03,  ..., 2.7970e+03,\n          2.7980e+03, 2.7990e+03],\n         [2.8000e+03, 2.8010e+03, 2.8020e+03,  ..., 2.8970e+03,\n          2.8980e+03, 2.8990e+03],\n         [2.9000e+03, 2.9010e+03, 2.9020e+03,  ..., 2.9970e+03,\n          2.9980e+03, 2.9990e+03]]])'),
    ('torch.arange(2002.).reshape(2, 1001)',
     'tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9800e+02, 9.9900e+02,\n         1.0000e+03],\n        [1.0010e+03, 1.0020e+03, 1.0030e+03,  ..., 1.9990e+03, 2.0000e+03,\n         2.0010e+03]])'),
    ('torch.arange(1001.).reshape(1001, 1)',
     'tensor([[   0.],\n        [   1.],\n        [   2.],\n        ...,\n        [ 998.],\n        [ 999.],\n        [1000.]])'),
    ('torch.arange(1001.0).reshape(7, 143)',
     'tensor([[   0.,    1.,    2.,  ...,  140.,  141.,  142.],\n        [ 143.,  144.,  145.,  ...,  283.,  284.,  285.],\n        [ 286.,  287.,  288.,  ...,  426.,  427.,  428.],\n        ...,\n        [ 572.,  573.,  574.,  ...,  712.,  713.,  714.],\n        [ 715.,  716.,  717.,  ...,  855.,  856.,  857.],\n        [ 858.,  859.,  860.,  ...,  998.,  999., 1000.]])'),
    ('torch.arange(1001, dtype=torch.int32)',
     'tensor([   0,    1,    2,  ...,  998,  999, 1000], dtype=torch.int32)'),
    ('torch.arange(100.)',
     'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n        28., 29., 30., 31., 32., 33., 34., 35., 36., 37., 38., 39., 40., 41.,\n        42., 43., 44., 45., 46., 47., 48., 49., 50., 51., 52., 53., 54., 55.,\n        56., 57., 58., 59., 60., 61., 62., 63., 64., 65., 66., 67., 68., 69.,\n        70., 71., 72., 73., 74., 75., 76., 77., 78., 79., 80., 81., 82., 83.,\n        84., 85., 86., 87., 88., 89., 90., 91., 92., 93., 94., 95., 96., 97.,\n        98., 99.])'),
    ('torch.arange(30.) / 7',
     'tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n        3.8571, 4.0000, 4.1429])'),
    ('torch.arange(20.).reshape(4, 5) / 3',
     'tensor([[0.0000, 0.3333, 0.6667, 1.0000, 1.3333],\n        [1.6667, 2.0000, 2.3333, 2.6667, 3.0000],\n        [3.3333, 3.6667, 4.0000, 4.3333, 4.6667],\n        [5.0000, 5.3333, 5.6667, 6.0000, 6.3333]])'),
    ('torch.arange(60.).reshape(3, 20)',
     'tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n         14., 15., 16., 17., 18., 19.],\n        [20., 21., 22., 23., 24., 25., 26., 27., 28., 29., 30., 31., 32., 33.,\n         34., 35., 36., 37., 38., 39.],\n        [40., 41., 42., 43., 44., 45., 46., 47., 48., 49., 50., 51., 52., 53.,\n         54., 55., 56., 57., 58., 59.]])'),
    ('torch.arange(60.).reshape(3, 20) / 7',
     'tensor([[0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n         1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n         2.5714, 2.7143],\n        [2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143, 3.8571, 4.0000,\n         4.1429, 4.2857, 4.4286, 4.5714, 4.7143, 4.8571, 5.0000, 5.1429, 5.2857,\n         5.4286, 5.5714],\n        [5.7143, 5.8571, 6.0000, 6.1429, 6.2857, 6.4286, 6.5714, 6.7143, 6.8571,\n         7.0000, 7.1429, 7.2857, 7.4286, 7.5714, 7.7143, 7.8571, 8.0000, 8.1429,\n         8.2857, 8.4286]])'),
    ('torch.tensor([1e-5, 1.])',
     'tensor([1.0000e-05, 1.0000e+00])'),
    ('torch.tensor([1e5, 1.])',
     'tensor([1.0000e+05, 1.0000e+00])'),
    ('torch.tensor([1e8, 1.])',
     'tensor([1.0000e+08, 1.0000e+00])'),
    ('torch.tensor([1e9, 1.])',
     'tensor([1.0000e+09, 1.0000e+00])'),
    ('torch.tensor([-1.5, 2.25, 0.])',
     'tensor([-1.5000,  2.2500,  0.0000])'),
    ("torch.tensor([1., float('nan'), float('inf')])",
     'tensor([1., nan, inf])'),
    ("torch.tensor([float('nan')])",
     'tensor([nan])'),
    ("torch.tensor([-float('inf'), 2.5])",
     'tensor([  -inf, 2.5000])'),
    ('torch.tensor([1, -20, 300])',
     'tensor([  1, -20, 300])'),
    ('torch.tensor([[1, -20], [3, 4]])',
     'tensor([[  1, -20],\n        [  3,   4]])'),
    ('torch.tensor([0.001, 1000.])',
     'tensor([1.0000e-03, 1.0000e+03])'),
    ('torch.tensor([0.0001, 1.])',
     'tensor([1.0000e-04, 1.0000e+00])'),
    ('torch.tensor([0.00001234, 1.])',
     'tensor([1.2340e-05, 1.0000e+00])'),
    ('torch.tensor([12345.678])',
     'tensor([12345.6777])'),
    ('torch.tensor([123456.78, 1.5])',
     'tensor([1.2346e+05, 1.5000e+00])'),
    ('torch.tensor([1e-10])',
     'tensor([1.0000e-10])'),
    ('torch.tensor([[1e-3, 2.], [3., 4e3]])',
     'tensor([[1.0000e-03, 2.0000e+00],\n        [3.0000e+00, 4.0000e+03]])'),
    ('torch.tensor([1e16])',
     'tensor([1.0000e+16])'),
    ('torch.tensor([99999999.])',
     'tensor([100000000.])'),
    ('torch.tensor([100000000.])',
     'tensor([100000000.])'),
    ('torch.tensor([0.5, 1e8])',
     'tensor([5.0000e-01, 1.0000e+08])'),
    ('torch.arange(10.) * 1e-5',
     'tensor([0.0000e+00, 1.0000e-05, 2.0000e-05, 3.0000e-05, 4.0000e-05, 5.0000e-05,\n        6.0000e-05, 7.0000e-05, 8.0000e-05, 9.0000e-05])'),
    ('torch.tensor([-1., -2.])',
     'tensor([-1., -2.])'),
    ('torch.tensor([-0.5, 0.25])',
     'tensor([-0.5000,  0.2500])'),
    ('torch.tensor([2 ** 40, 1])',
     'tensor([1099511627776,             1])'),
    ('torch.arange(7).reshape(7, 1) * 10 ** 9',
     'tensor([[         0],\n        [1000000000],\n        [2000000000],\n        [3000000000],\n        [4000000000],\n        [5000000000],\n        [6000000000]])'),
    ('torch.ones(2, dtype=torch.float64)',
     'tensor([1., 1.], dtype=torch.float64)'),
    ('torch.ones(2, dtype=torch.int32)',
     'tensor([1, 1], dtype=torch.int32)'),
    ('torch.ones(2, dtype=torch.float16)',
     'tensor([1., 1.], dtype=torch.float16)'),
    ('torch.ones(2, dtype=torch.uint8)',
     'tensor([1, 1], dtype=torch.uint8)'),
    ('torch.ones(2, dtype=torch.bool)',
     'tensor([True, True])'),
    ('torch.ones(2, dtype=torch.int64)',
     'tensor([1, 1])'),
    ('torch.tensor(2., dtype=torch.float64)',
     'tensor(2., dtype=torch.float64)'),
    ('torch.tensor(5, dtype=torch.int32)',
     'tensor(5, dtype=torch.int32)'),
    ('torch.tensor([1.123456789], dtype=torch.float64)',
     'tensor([1.1235], dtype=torch.float64)'),
    ('torch.ones(2, dtype=torch.float16) / 3',
     'tensor([0.3333, 0.3333], dtype=torch.float16)'),
    ('torch.arange(4.0, requires_grad=True)',
     'tensor([0., 1., 2., 3.], requires_grad=True)'),
    ('torch.arange(4.0, requires_grad=True) * 2',
     'tensor([0., 2., 4., 6.], grad_fn=<MulBackward0>)'),
    ('torch.tensor(3.5, requires_grad=True)',
     'tensor(3.5000, requires_grad=True)'),
    ('torch.tensor(5., requires_grad=True) * 2',
     'tensor(10., grad_fn=<MulBackward0>)'),
    ('torch.ones(2, dtype=torch.float64, requires_grad=True)',
     'tensor([1., 1.], dtype=torch.float64, requires_grad=True)'),
    ('torch.ones(2, dtype=torch.float64, requires_grad=True) * 2',
     'tensor([2., 2.], dtype=torch.float64, grad_fn=<MulBackward0>)'),
    ('torch.arange(10., dtype=torch.float64) / 3',
     'tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n        3.0000], dtype=torch.float64)'),
    ('torch.arange(11., dtype=torch.float64) / 3',
     'tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n        3.0000, 3.3333], dtype=torch.float64)'),
    ('torch.arange(10., dtype=torch.float64, requires_grad=True) / 3',
     'tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n        3.0000], dtype=torch.float64, grad_fn=<DivBackward0>)'),
    ('torch.arange(9., requires_grad=True) / 3',
     'tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667],\n       grad_fn=<DivBackward0>)'),
    ('torch.arange(8., requires_grad=True) / 3',
     'tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333],\n       grad_fn=<DivBackward0>)'),
    ('torch.arange(4., requires_grad=True).reshape(2, 2) * 1.5',
     'tensor([[0.0000, 1.5000],\n        [3.0000, 4.5000]], grad_fn=<MulBackward0>)'),
    ('torch.tensor([[0.1, 200.]], dtype=torch.float64, requires_grad=True) * 1.0',
     'tensor([[1.0000e-01, 2.0000e+02]], dtype=torch.float64, grad_fn=<MulBackward0>)'),
    ('torch.tensor([1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5], dtype=torch.float64)',
     'tensor([1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000, 7.5000, 8.5000, 9.5000],\n       dtype=torch.float64)'),
    ('torch.arange(1001.0, requires_grad=True) * 1',
     'tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.],\n       grad_fn=<MulBackward0>)'),
    ('torch.arange(12, dtype=torch.int32) * 1000000',
     'tensor([       0,  1000000,  2000000,  3000000,  4000000,  5000000,  6000000,\n         7000000,  8000000,  9000000, 10000000, 11000000], dtype=torch.int32)'),
    ('torch.tensor([3.5])',
     'tensor([3.5000])'),
    ('torch.tensor([1.5, -2])',
     'tensor([ 1.5000, -2.0000])'),
    ('torch.Size([2, 3])',
     'torch.Size([2, 3])'),
    ('torch.float64',
     'torch.float64'),
]


@pytest.mark.parametrize("code, shown", PRINTS, ids=[c for c, _ in PRINTS])
def test_printing(code, shown):
    assert repr(run(code, chainrule_torch)) == shown


@pytest.mark.parametrize("code, shown", PRINTS, ids=[c for c, _ in PRINTS])
def test_printing_is_pytorchs(code, shown):
    assert repr(run(code, real_torch())) == shown


# ---------------------------------------------------------------- errors
#
# PyTorch's exception type and its sentence; chainrule's explanation follows in
# parentheses.

ERRORS = [
    ('torch.arange(4, requires_grad=True)', RuntimeError,
     'Only Tensors of floating point and complex dtype can require gradients'),
    ('torch.tensor([1, 2], requires_grad=True)', RuntimeError,
     'Only Tensors of floating point and complex dtype can require gradients'),
    ('torch.arange(4).requires_grad_()', RuntimeError,
     'only Tensors of floating point dtype can require gradients'),
    ("setattr(torch.arange(4), 'requires_grad', True)", RuntimeError,
     'only Tensors of floating point and complex dtype can require gradients'),
    ('torch.ones(2).item()', RuntimeError,
     'a Tensor with 2 elements cannot be converted to Scalar'),
    ('bool(torch.ones(2))', RuntimeError,
     'Boolean value of Tensor with more than one value is ambiguous'),
    ('bool(torch.ones(0))', RuntimeError,
     'Boolean value of Tensor with no values is ambiguous'),
    ('float(torch.ones(2))', ValueError,
     'only one element tensors can be converted to Python scalars'),
    ('int(torch.ones(2))', ValueError,
     'only one element tensors can be converted to Python scalars'),
    ('torch.autograd.grad((x * 2).sum(), [x, v])', RuntimeError,
     'The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.'),
    ('torch.autograd.grad((x * 2).sum(), [v, x])', RuntimeError,
     'The differentiated Tensor at index 0 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.'),
    ('torch.autograd.grad((x * 2).sum(), v)', RuntimeError,
     'The differentiated Tensor at index 0 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.'),
    ('(x * 2).backward(gradient=torch.ones(3))', RuntimeError,
     'Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([4]).'),
    ('(x * 2).backward(gradient=torch.ones(2, 2))', RuntimeError,
     'Mismatch in shape: grad_output[0] has a shape of torch.Size([2, 2]) and output[0] has a shape of torch.Size([4]).'),
    ('torch.autograd.backward([x * 2], [torch.ones(3)])', RuntimeError,
     'Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([4]).'),
    ('torch.autograd.grad([x * 2], [x], [torch.ones(2)])', RuntimeError,
     'Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([4]).'),
    ('torch.autograd.grad((x * 2).sum(), torch.ones(3))', RuntimeError,
     'One of the differentiated Tensors does not require grad'),
    ('(x * 2).backward()', RuntimeError,
     'grad can be implicitly created only for scalar outputs'),
    ('torch.ones(2).sum().backward()', RuntimeError,
     'element 0 of tensors does not require grad and does not have a grad_fn'),
    ('torch.dot(torch.ones(2, 2), torch.ones(2))', RuntimeError,
     '1D tensors expected, but got 2D and 1D tensors'),
    ('torch.dot(torch.ones(2), torch.ones(3))', RuntimeError,
     'inconsistent tensor size, expected tensor [2] and src [3] to have the same number of elements, but got 2 and 3 elements respectively'),
    ('x.numpy()', RuntimeError,
     "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."),
    ('torch.autograd.grad(x * 2, x)', RuntimeError,
     'grad can be implicitly created only for scalar outputs'),
    ("setattr(x * 2, 'requires_grad', False)", RuntimeError,
     'you can only change requires_grad flags of leaf variables.'),
]


@pytest.mark.parametrize("code, kind, sentence", ERRORS, ids=[c for c, _, _ in ERRORS])
def test_errors(code, kind, sentence):
    with pytest.raises(kind) as info:
        run(code, chainrule_torch)
    assert type(info.value) is kind
    message = str(info.value)
    assert message.startswith(sentence + " ("), message
    assert message.endswith(")") and len(message) > len(sentence) + 10


@pytest.mark.parametrize("code, kind, sentence", ERRORS, ids=[c for c, _, _ in ERRORS])
def test_errors_are_pytorchs(code, kind, sentence):
    with pytest.raises(kind) as info:
        run(code, real_torch())
    assert str(info.value).startswith(sentence)
