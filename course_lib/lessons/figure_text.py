"""What each lesson figure shows, in words: the text alternative a screen reader reads instead.

A lesson cell draws its figure and ends with ``show_figure(figure_text.NAME(...))``, handing over the
numbers the figure is drawn from; each function here says what the figure shows and what to notice,
with those numbers computed, never typed (rounded as the lesson prints them, so that the text is the
same on every machine: nbval compares it). The text lives here rather than in the cell so that a
slide shows the cell's few lines of code and its picture, not a paragraph of prose.
"""

from __future__ import annotations

import numpy as np


def _join(parts) -> str:
    return ", ".join(str(part) for part in parts)


# ------------------------------------------------------------------------------------------ lesson 00
def course_map(lessons, per_row: int) -> str:
    graded = [lesson.number for lesson in lessons if lesson.exercise]
    first, last = lessons[0], lessons[-1]
    return (
        f"The course map: the {len(lessons)} lessons as numbered stations on one route, {per_row} to a "
        f"row, from {first.number} ({first.title.lower()}) to {last.number} ({last.title.lower()}). "
        f"Each station names its lesson; the {len(graded)} lessons {graded[0]} to {graded[-1]} are "
        "filled orange and marked graded."
    )


# ------------------------------------------------------------------------------------------ lesson 01
def activation_panels(names, z) -> str:
    return (
        f"{len(names)} activation functions a = f(z) for z from {z[0]:g} to {z[-1]:g}, one panel each "
        f"({_join(names)}): identity is a straight line; sigmoid an S from 0 to 1 and tanh an S from -1 "
        "to 1; relu is 0 for negative z and then rises as z; leaky_relu is like relu with a slight "
        "downward slope below 0. Each panel has its own y range."
    )


def xor_best_line(points_right: int) -> str:
    return (
        "The four XOR points in the (x1, x2) plane: orange squares (XOR = 1) at (0, 1) and (1, 0), blue "
        "circles (XOR = 0) at (0, 0) and (1, 1), on opposite corners. A dashed line shows one of the "
        f"best of the random neurons, which gets {points_right} of the 4 points right: no straight line "
        "can put both squares on one side and both circles on the other."
    )


def small_network(net) -> str:
    weights = np.concatenate([W.ravel() for W in net.weights])
    out, into = np.unravel_index(np.argmax(np.abs(net.weights[1])), net.weights[1].shape)
    return (
        f"The small network as a diagram: inputs x1 and x2 on the left, hidden neurons h1 to h3 in the "
        f"middle, outputs y1 and y2 on the right, each of its {weights.size} weights a line, blue when "
        f"positive ({(weights > 0).sum()} of them) and orange when negative, thicker when larger. The "
        f"thickest line joins h{into + 1} to y{out + 1} (weight {net.weights[1][out, into]:g}); the "
        f"lines into h1 are W1's first row, {net.weights[0][0, 0]:g} from x1 and "
        f"{net.weights[0][0, 1]:g} from x2."
    )


def small_network_values(x, hidden, outputs) -> str:
    return (
        f"The same diagram with each node's value for the input x = ({x[0]:g}, {x[1]:g}): the hidden "
        f"neurons h1, h2, h3 hold {_join(f'{v:.2g}' for v in hidden)} (ReLU switched h1 off, so its "
        f"lines carry nothing on) and the outputs y1, y2 hold {outputs[0]:.3f} and {outputs[1]:.3f}."
    )


# ------------------------------------------------------------------------------------------ lesson 02
def loss_against_p() -> str:
    return (
        "Loss against the probability p given to the true class, p from 0 to 1: squared error (solid) "
        "falls gently from 1 to 0 and never exceeds 1, while cross-entropy (dashed) is near 0 at p = 1 "
        f"and shoots up as p nears 0, past the top of the plot at loss 5 (p below {np.exp(-5):.3f})."
    )


def right_class_runs(right_class: dict) -> str:
    def when(history):
        above = np.flatnonzero(history > 0.5)
        return f"passes 0.5 at step {above[0]}" if above.size else f"stays below 0.5 for all {len(history) - 1} steps"

    ce, se = right_class["cross-entropy"], right_class["squared error"]
    return (
        f"The probability of the right class over {len(ce) - 1} training steps, both runs starting at "
        f"{ce[0]:.2f} from the same badly wrong weight: with cross-entropy (dashed) it {when(ce)} and "
        f"ends at {ce[-1]:.2f}; with squared error (solid) it {when(se)} and ends at {se[-1]:.2f}. A "
        "dotted line marks 0.5."
    )


# ------------------------------------------------------------------------------------------ lesson 03
def search_race(search, descent, best_loss: float) -> str:
    return (
        "Fitting a line, log scale: the loss above the best possible against the loss evaluations "
        "spent. Random search's best so far (a line without markers) falls in ever rarer steps and "
        f"ends {search.best_loss - best_loss:.0e} above the best after {len(search.best_losses)} "
        "evaluations; gradient descent (a line of dots, one per step) falls straight down the log "
        f"scale, a constant factor per step, and ends {descent.final_loss - best_loss:.0e} above after "
        f"{3 * (len(descent.losses) - 1)}."
    )


def descent_contours(best_w, slow, fast) -> str:
    return (
        f"Contour lines of the line fit's loss over slope w1 and intercept w2, both from -4 to 4, around "
        f"the minimum (a star) at ({best_w[0]:.1f}, {best_w[1]:.1f}). Two descent paths of "
        f"{len(slow.path) - 1} steps start at ({slow.path[0, 0]:g}, {slow.path[0, 1]:g}): with "
        f"η = {slow.learning_rate} (circles, solid) they walk smoothly and stop at "
        f"({slow.path[-1, 0]:.1f}, {slow.path[-1, 1]:.1f}), still short; with η = {fast.learning_rate} "
        "(squares, dashed) they zigzag across the valley and end at "
        f"({fast.path[-1, 0]:.1f}, {fast.path[-1, 1]:.1f})."
    )


# ------------------------------------------------------------------------------------------ lesson 04
def secants(f) -> str:
    return (
        "The parabola f(x) = x² (black) with lines through the point (3, 9): two dashed grey secants, "
        f"for h = 1 (slope {f(4) - f(3):g}) and h = 0.5 (slope {(f(3.5) - f(3)) / 0.5:g}), each also "
        "through a second point of the curve, and the red tangent with slope 6. The smaller h is, the "
        "closer the secant lies to the tangent."
    )


def difference_errors(hs, forward, centred) -> str:
    return (
        f"Log-log plot of the error of two numerical derivatives of sin at 1 against the step h, from "
        f"{hs[0]:.0e} to {hs[-1]:.0e}. From the right, both errors fall as h shrinks, the centred one "
        f"(squares, dashed) twice as steeply: at h = {hs[-1]:g} it is {centred[-1]:.0e} against the "
        f"forward difference's {forward[-1]:.0e}. At small h both turn and rise again, ragged, as "
        "round-off takes over: each curve is a V, the centred one's bottom lower and at a larger h."
    )


# ------------------------------------------------------------------------------------------ lesson 05
def mazur_network(x, W1, W2) -> str:
    signs = "positive, so blue" if (W1 > 0).all() and (W2 > 0).all() else "blue when positive, orange when negative"
    return (
        f"Mazur's network as a diagram: inputs x1 = {x[0]:g} and x2 = {x[1]:g} on the left, hidden "
        "nodes h1 and h2 in the middle, outputs y1 and y2 on the right, every input joined to every "
        f"hidden node and every hidden node to every output by a line for its weight ({W1.size + W2.size} "
        f"lines, all {signs}, thicker when larger: W1 from {W1.min():g} to {W1.max():g}, W2 from "
        f"{W2.min():g} to {W2.max():g})."
    )


def _points_right(snapshots: dict, X, y) -> list[int]:
    return [int(((net.forward(X)[:, 0] > 0.5) == np.ravel(y)).sum()) for net in snapshots.values()]


def recipe_xor(losses, snapshots: dict, X, T) -> str:
    right = _points_right(snapshots, X, T)
    return (
        f"Training XOR with the recipe, four panels. Left: the loss on a log scale over {len(losses) - 1} "
        f"steps, from {losses[0]:.2f}, nearly flat at first and then falling to {losses[-1]:.0e}. Then "
        f"the input plane shaded by the network's output after {_join(snapshots)} steps, with the four "
        f"XOR points: the shading gets {_join(right)} of the 4 points right, as the boundary bends to "
        "put (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other."
    )


# ------------------------------------------------------------------------------------------ lesson 06
def backprop_xor(losses, snapshots: dict, X, y) -> str:
    return (
        f"Training XOR, five panels. Left: the training loss on a log scale over {len(losses) - 1} "
        f"epochs, flat near {losses[0]:.2f} for the first epochs, then falling fast to {losses[-1]:.0e}. "
        f"Then the input plane shaded by the output at epochs {_join(snapshots)}, the black line where "
        f"it is 0.5, with the four XOR points: the shading gets {_join(_points_right(snapshots, X, y))} "
        "of the 4 points right."
    )


def company() -> str:
    return (
        "The analogy as a picture: one CEO (the output) at the top, two managers (hidden units) in the "
        "middle and four staff (inputs) at the bottom, with purple arrows carrying feedback down from "
        "each level to every member of the level below. Notes beside the arrows: the feedback is "
        "multiplied by how much she relied on them (the weight), then by how much their work could "
        "change (the slope f′)."
    )


# ------------------------------------------------------------------------------------------ lesson 07
def activation_slopes(names, z, get_activation) -> str:
    peaks = {name: get_activation(name).derivative(z).max() for name in names}
    return (
        f"Four panels, z from {z[0]:g} to {z[-1]:g}: each activation f(z) (solid) and its slope f'(z) "
        f"(dashed) for {_join(names)}. The slopes of sigmoid and tanh peak at z = 0 "
        f"({peaks['sigmoid']:.2f} and {peaks['tanh']:.0f}) and fall to nearly 0 on both sides, where the "
        "curves flatten (saturate); relu's slope is 0 for negative z and 1 for positive z; leaky_relu's "
        "is a small 0.01 below 0 and 1 above."
    )


def linear_collapse(x_line) -> str:
    return (
        f"Two panels, the output of five random 1-8-8-8-1 networks along the inputs x from "
        f"{x_line[0, 0]:g} to {x_line[-1, 0]:g}, one curve per network. With identity hidden units "
        "(left) every network's output is a straight line: the layers collapse into one. With tanh "
        "units (right) the outputs bend into S-shapes and wiggles."
    )


def layer_norms(activations, grad_norms: dict) -> str:
    change = _join(f"{grad_norms[name][0] / grad_norms[name][-1]:.2g} for {name}" for name in activations)
    return (
        f"Three panels ({_join(activations)}), log scale, by layer from 1 to 11 (the output layer): the "
        "size of the error term (circles), of the activations each layer reads (squares) and of the "
        f"gradient (diamonds). From layer 11 back to layer 1 the gradient changes by a factor of "
        f"{change}: sigmoid's gradient vanishes as its error term shrinks about 4 times a layer."
    )


def deep_training(activations, histories: dict, moved: dict) -> str:
    return (
        f"Two panels. Left: the training loss over {len(histories[activations[0]].loss)} epochs for "
        + _join(f"{name} (ending at {histories[name].loss[-1]:.3f})" for name in activations)
        + ". Right, log scale: how far each of the 11 weight layers moved relative to its start; the "
        "first layer moved "
        + _join(f"{moved[name][0]:.1e} with {name}" for name in activations)
        + ", and the output layer (same order) "
        + _join(f"{moved[name][-1]:.1e}" for name in activations)
        + "."
    )


def dead_units(runs: dict) -> str:
    return (
        "The number of dead ReLU units (of 64) per epoch, one line per learning rate: "
        + "; ".join(f"{rate} goes from {counts[0]} to {counts[-1]}" for rate, counts in runs.items())
        + "."
    )


# ------------------------------------------------------------------------------------------ lesson 08
def weight_paths(equal_path, random_path) -> str:
    return (
        f"Two panels, the first weight of each of the 4 tanh hidden units over {len(equal_path)} epochs "
        "of training on XOR. From the equal start (left) the four weights stay exactly equal, one line "
        f"on top of the others, ending at {equal_path[-1, 0]:.1f}. From the small random start (right) "
        f"they part, ending spread from {random_path[-1].min():.1f} to {random_path[-1].max():.1f}."
    )


def random_start_losses(hidden_kinds, histories: dict) -> str:
    return (
        f"XOR's training loss over {len(histories[hidden_kinds[0]].loss)} epochs from small random "
        "weights, one line per hidden activation: "
        + "; ".join(
            f"{kind} from {histories[kind].loss[0]:.2f} to {histories[kind].loss[-1]:.2g}" for kind in hidden_kinds
        )
        + "."
    )


def scale_spread(scales, spread: dict, backward: dict) -> str:
    return (
        f"Two panels, log scale, one line per weight std ({_join(scales)}) in a deep tanh network. "
        "Left, forward: the std of the activations from hidden layer 1 to 10 goes "
        + "; ".join(f"from {spread[s][0]:.0e} to {spread[s][-1]:.0e} at std {s}" for s in scales)
        + ". Right, backward: the error term's size from layer 11 back to layer 1 goes "
        + "; ".join(f"from {backward[s][-1]:.0e} to {backward[s][0]:.0e} at std {s}" for s in scales)
        + ". Small weights kill the signal both ways."
    )


def xavier_he_flow(runs, forward: dict, back: dict) -> str:
    return (
        "Two panels, log scale, by hidden layer 1 to 8 of a spiral network, one line per activation "
        "and initialisation (relu with circles, tanh with squares; Xavier solid, He dashed). Left, "
        "forward: the typical size of z; right, backward: the typical size of the error term. From "
        "layer 1 to 8 the forward size changes by "
        + _join(f"×{forward[run][-1] / forward[run][0]:.2f} for {run[0]} + {run[1]}" for run in runs)
        + "; the backward one from layer 8 to 1 by "
        + _join(f"×{back[run][0] / back[run][-1]:.2f}" for run in runs)
        + " in the same order."
    )


def xavier_he_training(runs, histories: dict) -> str:
    return (
        "Two panels, the training loss on the spirals over 100 epochs with 8 hidden layers, Xavier "
        "(solid) against He (dashed): relu units on the left, tanh on the right. After 10 epochs the "
        "loss is "
        + _join(f"{histories[run].loss[9]:.2f} for {run[0]} + {run[1]}" for run in runs)
        + "; after 100, "
        + _join(f"{histories[run].loss[99]:.3f}" for run in runs)
        + " in the same order."
    )


# ------------------------------------------------------------------------------------------ lesson 09
def spiral_points(y) -> str:
    return (
        f"The {len(y)} training points in the plane, coloured and shaped by class (circles, squares, "
        f"triangles: {_join(np.bincount(y))} of each): three spiral arms winding out from the centre, "
        "interleaved, the noise blurring where neighbouring arms meet."
    )


def batch_gradient_error(n: int, batch_sizes, measured) -> str:
    return (
        "Log-log plot of the batch gradient's relative error against the batch size B: the predicted "
        "curve (a line) falls as one over the square root of B, steeper near "
        f"B = {n} where the batch is nearly all the data, and the measured errors (dots) lie on it, from "
        f"{measured[0]:.2f} at B = {batch_sizes[0]} to {measured[-2]:.2f} at B = {batch_sizes[-2]}."
    )


def three_ways(records: dict) -> str:
    # The smaller batches' runs are noisy to their last digits (a machine with other BLAS kernels ends
    # them elsewhere), so only the comparison that holds on every machine is said, not their losses.
    (full_name, full), *others = records.items()
    seen, gap = full["seen"][-1], full["loss"][-1] / max(record["loss"][-1] for _, record in others)
    verdict = "far above both others" if gap > 5 else "above the others" if gap > 1 else "not above the others"
    return (
        "Two panels, the training loss on a log scale for the three ways of descent (solid, dashed, "
        "dotted in the legend's order: " + "; ".join(records) + "), against the examples seen (left) "
        f"and the seconds this machine took (right). After the same {seen} examples the {full_name} "
        f"run's loss ends {verdict}, the mini-batches' and single examples' falling faster and more "
        "raggedly. The timings in the right panel differ between machines."
    )


def batch_noise() -> str:
    return (
        "Two panels, log scale, against the examples seen: the loss of each batch (a ragged grey band), "
        "its running mean over 50 batches (orange, dashed) and the loss on all 256 points (blue, "
        "solid), for single examples (left) and batches of 16 (right). The single-example band is far "
        "wider: one example's loss is a much noisier estimate of the full loss than the mean over 16."
    )


def sorted_batches(sorted_run, shuffled_run) -> str:
    # Both runs' last digits depend on the machine: only how they compare is said.
    gap = sorted_run["loss"][-1] / shuffled_run["loss"][-1]
    verdict = "several times higher than" if gap > 3 else "higher than" if gap > 1 else "no higher than"
    return (
        "The training loss on a log scale against the examples seen, batches of 16, two runs over data "
        "sorted by class: never shuffled (solid), the loss swings up and down as one class after "
        f"another fills the batches, and ends {verdict} the run shuffled every epoch (dashed), which "
        "falls steadily."
    )


def rate_grid(grid) -> str:
    # Which rate is best for a batch size can flip between neighbours on another machine (their
    # losses are close and the runs noisy), so the best rates are left to the widget's readout.
    rates = grid.learning_rates
    return (
        "Log-log plot of the training loss after 30 epochs against the learning rate, "
        f"{rates[0]:.2g} to {rates[-1]:.2g}, one line per batch size ({_join(grid.batch_sizes)}), "
        "lighter for larger batches, each falling as the rate grows until it turns up again or breaks "
        "off where training diverged. From the smallest batches to the middle ones the lowest point "
        "of a line moves to larger rates; beyond, the stability limit holds it back. The widget below "
        "reads off each batch size's best rate."
    )


def data_sizes(sizes, trained: dict, X_new, y_new) -> str:
    small, large = trained[sizes[0]], trained[sizes[-1]]
    return (
        f"Four panels. Left: accuracy against the number of training points, {sizes[0]} to {sizes[-1]} "
        f"on a log scale, on the training set (circles, solid; it starts at "
        f"{small[0].accuracy(small[1], small[2]):.0%}) and on 3000 new points (squares, dashed; from "
        f"{small[0].accuracy(X_new, y_new):.0%} to {large[0].accuracy(X_new, y_new):.0%}); the gap closes "
        "as the set grows. Then the decision boundaries learnt from 12, 96 and 3072 points: with few "
        "points the regions fit those points and miss the arms between them; with 3072 they follow the "
        "three spiral arms."
    )


def moons_split(fit) -> str:
    return (
        f"Two panels, the two moons split in half: {len(fit.y_train)} training points (left) and "
        f"{len(fit.y_val)} validation points (right), orange circles for class 0 and blue squares for "
        "class 1. The two crescents interlock and, with this much noise, overlap where they meet."
    )


def early_stopping(history, best_epoch: int) -> str:
    return (
        f"Log-log plot of the cross-entropy loss over {len(history.loss)} epochs: the training loss "
        f"(solid) keeps falling, to {history.loss[-1]:.2f}, while the validation loss (dashed) falls to "
        f"its lowest, {min(history.val_loss):.2f}, at epoch {best_epoch} (a dotted line) and then climbs "
        f"to {history.val_loss[-1]:.2f}: the network overfits after that epoch."
    )


def decay_boundaries(best_epoch: int, chosen: float, accuracies) -> str:
    return (
        f"Three decision boundaries over the training moons: without weight decay after 1000 epochs; "
        f"without it but stopped at epoch {best_epoch}; and with weight decay λ = {chosen:g} after 1000 "
        "epochs. The first bends furthest to follow single training points. Validation accuracy: "
        + _join(f"{a:.2f}" for a in accuracies)
        + "."
    )


# ------------------------------------------------------------------------------------------ lesson 10
def first_digits(labels) -> str:
    return (
        "The first 20 training images, two rows of ten, each an 8×8 grid of grey squares, dark for ink, "
        f"titled with its digit: {_join(labels)}. The blocky pixels still show each digit's shape."
    )


def learning_curves(history, best_epoch: int) -> str:
    return (
        f"Two panels over {len(history.loss)} epochs, training (dashed) and validation (solid), with a "
        f"dotted line at epoch {best_epoch}, the one early stopping kept. Left, log scale: the "
        f"cross-entropy loss; the training loss falls to {history.loss[-1]:.0e}, the validation loss is "
        f"lowest near the kept epoch, at {min(history.val_loss):.2f}. Right: the accuracy; training "
        f"reaches {history.accuracy[-1]:.0%} and validation levels off near "
        f"{history.val_accuracy[best_epoch - 1]:.0%}."
    )


def confusion_matrix(confusion) -> str:
    mistakes = [f"{i} read as {j} ({confusion[i, j]}×)" for i, j in zip(*np.nonzero(confusion)) if i != j]
    return (
        f"The confusion matrix of the {confusion.sum()} validation digits as a 10 by 10 grid, true digit "
        "by row and predicted digit by column, each cell shaded by its count and the count written in. "
        f"The diagonal holds the {np.trace(confusion)} digits read right, dark blue; off it "
        + (_join(mistakes) or "nothing")
        + "."
    )


def wrong_digits(truths, answers, sureness) -> str:
    return (
        f"The {len(truths)} validation digits the network reads wrong, as 8×8 pictures, each titled true "
        "digit, arrow, the network's answer and the probability it gave that answer: "
        + "; ".join(f"{t} read as {a} with {p:.0%}" for t, a, p in zip(truths, answers, sureness))
        + "."
    )


def hidden_units(units_shown: int, units: int) -> str:
    half = units_shown // 2
    return (
        f"Four rows of {half} small 8×8 pictures for the first {units_shown} of the {units} hidden "
        f"units, two pictures per unit, one above the other (units 1 to {half} in rows one and two, "
        f"{half + 1} to {units_shown} in rows three and four). Rows one and three: each unit's incoming "
        "weights times its pixels' spread, blue where a pixel excites the unit and red where it "
        "inhibits it. Rows two and four: the average of the 20 training digits that excite the unit "
        "most, a blurred stroke or whole digit the unit looks for."
    )
