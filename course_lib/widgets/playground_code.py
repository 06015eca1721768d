"""The training playground's "show me the code": a run written out as the course_lib code that
replays it, so a learner can take the run out of the widget and into a notebook of their own.
"""

from __future__ import annotations

from course_lib.playground_data import PLAYGROUND_REGRESSION

__all__ = ["run_code"]


def run_code(model) -> str:
    """Plain course_lib code that reproduces ``model``'s run (a ``PlaygroundModel``) from epoch 0 to
    now, weight edits included: reading-path imports only, one ``train`` call per stretch of epochs
    trained with the same settings."""
    s = model.settings
    spec = model.network_spec()
    penalties = {segment[1][2] for segment in model.segments if segment[0] == "train" and segment[1][3] > 0}
    imports = ["Divergence", "train"] + (["l1_penalty"] if "L1" in penalties else [])
    lines = [
        "import numpy as np",
        "",
        "from course_lib import MLP",
        "from course_lib.playground_data import feature_columns, playground_data, split_indices",
        f"from course_lib.training import {', '.join(sorted(imports))}",
        "",
    ]
    if model.own_data:
        lines += [
            "# your data: the X and y you gave playground(X, y); labels become 0, 1, ...",
            "class_names, y = np.unique(your_y, return_inverse=True)",
            "X_raw = np.asarray(your_X, dtype=float)",
        ]
    else:
        classes = "" if s.dataset in ("circle", "xor") + PLAYGROUND_REGRESSION else f", classes={s.classes}"
        lines += [
            f"X_raw, y = playground_data({s.dataset!r}, n_samples={s.n_samples}, noise={s.noise!r}"
            f"{classes}, seed={s.data_seed})"
        ]
    lines += [
        f"train_rows, test_rows = split_indices(len(y), train_ratio={s.train_ratio!r}, seed={s.data_seed})",
        f"X = feature_columns(X_raw, {list(s.features)})      # one column per input feature",
        "X_train, y_train = X[train_rows], y[train_rows]",
        "X_test, y_test = X[test_rows], y[test_rows]",
        "",
        f"net = MLP({model.sizes}, hidden_activation={spec['hidden_activation']!r}, "
        f"output_activation={spec['output_activation']!r},",
        f"          loss={spec['loss']!r}, seed={s.init_seed})",
        f"rng = np.random.default_rng({s.shuffle_seed})   # shuffles the training samples, epoch after epoch",
        "divergence = Divergence()   # judges every batch loss against the run's very first",
    ]
    for segment in model.segments:
        if segment[0] == "edit":
            _, layer, to, source, value = segment
            lines += ["", f"net.weights[{layer}][{to}, {source}] = {value!r}   # edited by hand"]
            continue
        (lr, batch, reg, rate), epochs = segment[1], segment[2]
        penalty = ""
        if reg != "none" and rate > 0:
            penalty = f", weight_decay={rate!r}" if reg == "L2" else f", penalty=l1_penalty({rate!r})"
        lines += [
            "",
            f"train(net, X_train, y_train, epochs={epochs}, batch_size={batch}, learning_rate={lr!r},",
            f"      seed=rng, divergence=divergence{penalty})",
        ]
    if not any(seg[0] == "train" for seg in model.segments):
        lines += ["", "# no training yet: press play or step, then show the code again"]
    lines += ["", "print('train loss', net.loss(X_train, y_train))"]
    return "\n".join(lines) + "\n"
