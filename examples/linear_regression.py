"""Linear regression from scratch with chainrule: python examples/linear_regression.py

The notebook linear_regression.ipynb is made from this file by make_notebooks.py.
"""

# %% [markdown]
# # Linear regression from scratch
#
# The chapter's four steps, used to fit a model: (i) attach gradients to the parameters
# (`requires_grad=True`), (ii) record the loss, (iii) backpropagate (`loss.backward()`),
# (iv) read the gradients and take a step of minibatch stochastic gradient descent.
#
# The data are synthetic, $\mathbf{y} = \mathbf{X}\mathbf{w} + b + \epsilon$ with
# $\mathbf{w} = [2, -3.4]^\top$, $b = 4.2$ and Gaussian noise $\epsilon$ of standard
# deviation 0.01, so we know what training should recover.

# %%
import numpy as np

import chainrule as cr

TRUE_W = np.array([2.0, -3.4])
TRUE_B = 4.2


# %% [markdown]
# ## The data

# %%
def synthetic_data(w, b, num_examples: int, noise: float = 0.01, seed: int = 0):
    """Features X (n × d, standard normal) and labels y = Xw + b + noise (n × 1), as
    float32 chainrule tensors."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(num_examples, len(w)))
    y = X @ np.asarray(w) + b + rng.normal(scale=noise, size=num_examples)
    return cr.tensor(X.astype(np.float32)), cr.tensor(y.reshape(-1, 1).astype(np.float32))


def data_iter(batch_size: int, features, labels, rng):
    """Minibatches of (features, labels) in a random order; the last may be smaller."""
    indices = rng.permutation(len(features))
    for start in range(0, len(features), batch_size):
        batch = indices[start:start + batch_size]
        yield features[batch], labels[batch]


# %% [markdown]
# ## The model, the loss and the optimizer
#
# `sgd` updates the parameters in place. The update must not be recorded (it is not part
# of the model), so it runs under `cr.no_grad()`; and since `backward` *adds* to
# `.grad`, each gradient is reset after its step.

# %%
def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return (y_hat - y) ** 2 / 2


def sgd(params, lr: float, batch_size: int) -> None:
    with cr.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


# %% [markdown]
# ## Training

# %%
def train(num_examples: int = 1000, batch_size: int = 10, lr: float = 0.03,
          num_epochs: int = 3, seed: int = 0, verbose: bool = True) -> dict:
    """Fit w and b to synthetic data by minibatch SGD; returns the learned parameters
    (NumPy arrays) and the loss over the whole data set after each epoch."""
    features, labels = synthetic_data(TRUE_W, TRUE_B, num_examples, seed=seed)
    rng = np.random.default_rng(seed + 1)
    # (i) attach gradients: the parameters are leaves that require grad.
    w = cr.tensor(rng.normal(0.0, 0.01, size=(2, 1)).astype(np.float32), requires_grad=True)
    b = cr.zeros(1, requires_grad=True)
    losses = []
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, rng):
            loss = squared_loss(linreg(X, w, b), y)  # (ii) record: a minibatch of losses
            loss.sum().backward()                     # (iii) backpropagate
            sgd([w, b], lr, len(X))                   # (iv) read .grad, step, reset
        with cr.no_grad():
            losses.append(float(squared_loss(linreg(features, w, b), labels).mean()))
        if verbose:
            print(f"epoch {epoch + 1}, loss {losses[-1]:f}")
    return {"w": w.detach().numpy().reshape(-1), "b": float(b.detach().numpy()[0]),
            "losses": losses}


# %%
if __name__ == "__main__":
    result = train()
    print(f"error in estimating w: {TRUE_W - result['w']}")
    print(f"error in estimating b: {TRUE_B - result['b']}")
    # The noise has standard deviation 0.01: the estimates are that close to the truth.
    assert np.allclose(result["w"], TRUE_W, atol=0.02), result["w"]
    assert abs(result["b"] - TRUE_B) < 0.02, result["b"]
    assert result["losses"][-1] < 1e-3
