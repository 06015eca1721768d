"""What an exercise asks the learner to write, and the course_lib code that would write it for them.

This is the one place both lists come from: a spec names the kinds of work its
learner writes (``Spec(..., learner_writes=("forward pass", "backward pass"))``),
the grader stages a ``course_lib`` in which the code that does that work is gone
(``staging``), and the exercise's instructions say what is closed with
``not_allowed_text``, which the exercise builder writes into the notebook.

Closing is judged by what code computes, not by its name. The functions listed
here are where the computation lives; the staged copy replaces their bodies by
an error. Everything in the library that reaches them (``train`` calling
``MLP.backward``, a widget model calling ``MLP.trace``, a method of an ``MLP``
made without ``__init__``) then fails the same way, with no list of its own.
The mini-batch explorer's own copy of the math is listed because it reaches nothing:
issue 21 is to make it use the reading path, and then it leaves this table.
``tests/grader/test_grader_routes.py`` walks every public callable of the staged library
and shows that none still computes an exercise's graded answers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Work:
    """A kind of work: what it is called in the instructions, and where the library does it."""

    says: str  # "a network's forward pass": how the instructions name it
    shown: str  # the names a learner knows it by, as the instructions list them (markdown)
    code: tuple  # course_lib functions, classes or modules whose code does it


# The widget models that run a network. The mini-batch explorer's batched passes (and the neuron's one
# product) are numpy of their own, so only listing closes them; the others reach the library code
# above and would be closed anyway, and are listed so that a learner reads their names in the list.
_WIDGET_ENGINES = (
    "course_lib.widgets.playground_model",
    "course_lib.widgets.minibatch",
    "course_lib.widgets.stepper_events",
    "course_lib.widgets.gradient_flow",
    "course_lib.widgets.init_scale",
)

WORK = {
    "activations": Work(
        "an activation function or its derivative",
        "`get_activation` and the activation classes",
        ("course_lib.activations",),
    ),
    "losses": Work(
        "a loss or its gradient",
        "`get_loss`, `mse`, `binary_cross_entropy`, `cross_entropy` and the loss classes",
        ("course_lib.losses", "course_lib.widgets.loss"),
    ),
    "forward pass": Work(
        "a network's forward pass",
        "`MLP.forward`, `MLP.trace`, `MLP.loss`, the neuron widget",
        (
            "course_lib.network.MLP.trace_unchecked",
            "course_lib.signals.forward",
            "course_lib.widgets.neuron",
            *_WIDGET_ENGINES,
        ),
    ),
    "backward pass": Work(
        "a backward pass",
        "`MLP.backward`, `course_lib.signals` (lesson 5's recipe), the stepper",
        ("course_lib.network.MLP.backward_unchecked", "course_lib.signals", *_WIDGET_ENGINES),
    ),
    "update": Work(
        "a gradient-descent update of the weights",
        "`MLP.step`, the recipe's `signal_update` and `delta_update`",
        (
            "course_lib.network.MLP.step_unchecked",
            "course_lib.signals.signal_update",
            "course_lib.signals.delta_update",
        ),
    ),
    "initialisation": Work(
        "the initial weights' scale",
        "`MLP(...)` (it draws the initial weights), the init-scale widget",
        ("course_lib.network.MLP.__init__", "course_lib.widgets.init_scale"),
    ),
    "training loop": Work(
        "a training loop",
        "`train` and `course_lib.training`, the playground's and the mini-batch explorer's training",
        ("course_lib.training", "course_lib.widgets.playground_model", "course_lib.widgets.minibatch"),
    ),
    "numerical gradients": Work(
        "a numerical gradient or a gradient check",
        (
            "`numerical_gradient`, `relative_error(s)`, `check_network_gradients`, `verdict`, "
            "`course_lib.exercises.check_gradient`"
        ),
        ("course_lib.gradcheck",),
    ),
    "descent": Work(
        "gradient descent on a function",
        "`course_lib.lessons.descent`, the lesson 3 widgets' paths",
        ("course_lib.lessons.descent", "course_lib.widgets.descent"),
    ),
    "scalar graph": Work(
        "a computational graph and its backward pass",
        "`Value` and everything in `course_lib.value`",
        ("course_lib.value",),
    ),
    "predictions": Work(
        "predicted labels and accuracy",
        "`MLP.predict`, `MLP.accuracy`",
        (
            "course_lib.network.MLP.predict",
            "course_lib.network.MLP.accuracy",
            "course_lib.activations.labels_from_outputs",
        ),
    ),
}


class UnknownWorkError(ValueError):
    """A spec names a kind of work this table does not have."""


def _works(names) -> list[Work]:
    unknown = [name for name in names if name not in WORK]
    if unknown:
        raise UnknownWorkError(f"unknown kind of work {unknown[0]!r}; the kinds are: {', '.join(WORK)}")
    return [WORK[name] for name in names]


def closed_code(names) -> tuple:
    """The course_lib names whose code is removed while an exercise whose learner writes ``names`` is graded."""
    return tuple(sorted({code for work in _works(names) for code in work.code}))


def what_it_does(qualified: str, names) -> str:
    """How the instructions name the work that closed ``qualified`` (a name from ``closed_code``)."""
    return " and ".join(work.says for work in _works(names) if qualified in work.code)


def not_allowed_text(names) -> str:
    """The instructions' paragraph on what is closed while the exercise is graded (markdown)."""
    items = "\n".join(f"- {work.says}: {work.shown}" for work in _works(names))
    return (
        "**Not allowed while graded.** This exercise asks you to write the following yourself, so while "
        "the grader scores your notebook the library code that does it raises an error, and so does "
        "anything in `course_lib` that uses that code, however it is reached:\n\n"
        f"{items}\n\n"
        "Everything else in `course_lib` and numpy is yours to use."
    )
