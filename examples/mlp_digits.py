"""A multilayer perceptron on scikit-learn's digits, trained with chainrule:
python examples/mlp_digits.py

Needs scikit-learn (the data set ships with it: no download), tqdm and matplotlib. The
notebook mlp_digits.ipynb is made from this file by make_notebooks.py.
"""

# %% [markdown]
# # An MLP classifier on the digits data set
#
# 1797 grey 8×8 images of handwritten digits (scikit-learn's `load_digits`, bundled with
# the library). The model is 64 → 128 → 10: a hidden layer with ReLU, then
# logits; the loss is softmax cross-entropy computed from `cr.log_softmax`; the
# optimizer is Adam, written out by hand. chainrule records each minibatch's loss,
# `backward` fills `.grad` of the four parameter tensors, and the update runs under
# `cr.no_grad()`.

# %%
from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

import chainrule as cr

# %% [markdown]
# ## The data
#
# A held-out test set of 20% (stratified, fixed `random_state`), and features
# standardized with the training set's statistics.

# %%
def load_data(test_size: float = 0.2, random_state: int = 0):
    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=test_size, random_state=random_state,
        stratify=digits.target)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1.0  # +1: blank pixels
    standardize = lambda X: cr.tensor(((X - mean) / std).astype(np.float32))
    return standardize(X_train), standardize(X_test), y_train, y_test


# %% [markdown]
# ## The model and the loss
#
# He initialization for the ReLU layer. The cross-entropy of a minibatch is the mean of
# $-\log \mathrm{softmax}(\mathbf{o})_y$; `cr.log_softmax` computes it stably (through
# log-sum-exp), and picking each example's log-probability is fancy indexing, which
# chainrule differentiates like any other operation.

# %%
def init_params(sizes=(64, 128, 10), seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in pairwise(sizes):
        W = rng.normal(size=(fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        params += [cr.tensor(W.astype(np.float32), requires_grad=True),
                   cr.zeros(fan_out, requires_grad=True)]
    return params


def net(params, X):
    W1, b1, W2, b2 = params
    H = cr.relu(X @ W1 + b1)
    return H @ W2 + b2  # logits


def cross_entropy(logits, y):
    log_probs = cr.log_softmax(logits, axis=1)
    return -log_probs[np.arange(len(y)), y].mean()


def accuracy(params, X, y) -> float:
    with cr.no_grad():
        return float((net(params, X).numpy().argmax(axis=1) == y).mean())


# %% [markdown]
# ## Adam, by hand
#
# Running averages of the gradient ($\mathbf{m}$) and of its square ($\mathbf{v}$),
# corrected for their start at zero, then a step of `lr` in each coordinate scaled by
# $1/\sqrt{\hat{\mathbf{v}}}$. Everything happens under `cr.no_grad()`, in place.

# %%
class Adam:
    def __init__(self, params, lr: float = 1e-2, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = [cr.zeros_like(p) for p in params]
        self.v = [cr.zeros_like(p) for p in params]
        self.t = 0

    def step(self) -> None:
        beta1, beta2 = self.betas
        self.t += 1
        with cr.no_grad():
            for p, m, v in zip(self.params, self.m, self.v):
                g = p.grad
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                m_hat = m / (1 - beta1 ** self.t)
                v_hat = v / (1 - beta2 ** self.t)
                p -= self.lr * m_hat / (cr.sqrt(v_hat) + self.eps)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad.zero_()


# %% [markdown]
# ## Training
#
# Minibatch training with a progress bar over the epochs; `train` returns the test
# accuracy and the mean training loss of each epoch.

# %%
def plot_history(history: dict, path=None):
    """The training loss per epoch and the test accuracy, on one figure."""
    epochs = np.arange(1, len(history["losses"]) + 1)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(epochs, history["losses"], "o-", label="training loss (cross-entropy)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean training loss (log scale)")
    acc_ax = ax.twinx()
    acc_ax.plot(epochs, history["test_accuracies"], "s--", color="tab:green",
                label="test accuracy")
    acc_ax.set_ylabel("test accuracy")
    acc_ax.set_ylim(0.8, 1.0)
    lines = ax.get_lines() + acc_ax.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="center right")
    ax.set_title(f"MLP on digits with chainrule: test accuracy "
                 f"{history['accuracy']:.1%}")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def train(epochs: int = 15, seed: int = 0, plot_path=None, progress: bool = True,
          batch_size: int = 64, lr: float = 1e-2, hidden: int = 128) -> dict:
    """Train the MLP; returns dict(accuracy=test accuracy, losses=[mean training loss per
    epoch], test_accuracies=[...]). Saves the loss curve to ``plot_path`` if given."""
    X_train, X_test, y_train, y_test = load_data()
    params = init_params((64, hidden, 10), seed=seed)
    optimizer = Adam(params, lr=lr)
    rng = np.random.default_rng(seed)
    losses, test_accuracies = [], []
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
    for _ in bar:
        order = rng.permutation(len(y_train))
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss = cross_entropy(net(params, X_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            total += loss.item() * len(batch)
        losses.append(total / len(order))
        test_accuracies.append(accuracy(params, X_test, y_test))
        bar.set_postfix(loss=f"{losses[-1]:.4f}", test_acc=f"{test_accuracies[-1]:.3f}")
    history = {"accuracy": test_accuracies[-1], "losses": losses,
               "test_accuracies": test_accuracies, "params": params}
    if plot_path is not None:
        plt.close(plot_history(history, plot_path))
    return history


# %%
if __name__ == "__main__":
    history = train(epochs=15, seed=0)
    print(f"test accuracy {history['accuracy']:.2%} after {len(history['losses'])} epochs")
    fig = plot_history(history, "mlp_digits_loss.png")
    assert history["accuracy"] >= 0.95, history["accuracy"]
