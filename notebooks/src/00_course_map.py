# %% [markdown]
# # 0. Course map
#
# Welcome to a course on **back-propagation**, the algorithm that trains neural networks. You
# will build a small network from numpy arrays, work out by hand how each weight should change,
# check every derivative numerically, and finish with a network that reads handwritten digits.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning objectives.** After this lesson you can
# - describe the route through the course and what each lesson adds;
# - choose how to use the course: alone or in a lecture;
# - confirm that your computer has everything the course needs.
#
# **Prerequisites.** Some Python and a first look at numpy arrays; school algebra.
#
# **Estimated time.** 20 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# In a lecture, a ten-minute opener. Show the map, say who the course is for, run the
# environment check live so everyone knows their set-up works before lesson 1.

# %% [markdown]
# ## What the course teaches
#
# Back-propagation is many small ideas stacked together. Each one is simple; the whole can feel
# murky. Each lesson adds one idea: a few sentences, a short piece of code, then a picture.

# %% [markdown] slideshow={"slide_type": "fragment"}
# Sliders let you change weights, loss or learning rate and watch what happens. Every number
# the notebooks print is recomputed by an independent test.

# %% [markdown]
# ## The route
#
# Each station is a lesson; an orange one ends with a graded exercise. The route runs from one
# neuron (lesson 1) to the capstone (lesson 10): a network that reads handwritten digits.

# %% [markdown] slideshow={"slide_type": "notes"}
# The list is read from the lesson files on disk, so a lesson appears here as soon as it exists.

# %% slideshow={"slide_type": "skip"}
from course_lib.drawing import show_figure
from course_lib.drawing.course_map import draw_course_map
from course_lib.lessons import figure_text
from course_lib.lessons.catalog import find_lessons, lesson_table

lessons = find_lessons()

# %%
print(lesson_table(lessons))

# %% slideshow={"slide_type": "subslide"}
draw_course_map(lessons, per_row=6)
show_figure(figure_text.course_map(lessons, per_row=6))

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
# Your own progress on the map: each lesson you have opened gets a blue ring, each exercise whose
# self-checks pass a green badge. Press the button to read it again after you have worked.
from course_lib.drawing.course_map import progress_map

progress_map()

# %% [markdown]
# ### How deep do you need to go?
#
# - **Using a library** (PyTorch, Keras): lessons 1–3 and the summaries: forward pass, loss,
#   gradient descent.
# - **Maintaining a model**: add the chain rule, the backward pass, activations and
#   initialisation (lessons 4–9).
# - **Building one**: everything, including the sections marked **Optional:**.

# %% [markdown]
# ## Two ways to use the course
#
# ### Alone
#
# Run each notebook top to bottom (Shift+Enter runs a cell). At **Predict first**, write
# down your guess before you run the cell or open the answer: a wrong guess teaches most.
# At **Try**, change a number and rerun.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### In a lecture
#
# Every notebook is also a slide deck: press **alt+r** (or **Render as slides** in the
# notebook toolbar). Code cells still run inside the slides, widgets included: run a widget's
# cell on its slide (Shift+Enter) and drag its sliders in front of the room.

# %% [markdown] slideshow={"slide_type": "notes"}
# The slides come from jupyterlab-rise, which the course installs. Headings start slides, some
# paragraphs appear one step at a time, and cells marked as notes (like this one) are hints for
# the speaker that stay off the slides. Each lesson opens with its time estimate for its main
# path; sections marked Optional come on top.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The graded exercises
#
# Most lessons end with a graded exercise in `exercises/` (orange on the map). Fill in the
# marked cells; the **self-check** under each one says at once whether your shapes and numbers
# are right, and what to look at if not.

# %% [markdown] slideshow={"slide_type": "notes"}
# Instructors: how to score submissions (the `course-grade` autograder, Gradescope, nbgrader)
# is described in the README's "Exercises and grading" section, not here.

# %% [markdown]
# ## Optional: a short history
#
# - **1969.** Minsky and Papert prove that a single-layer perceptron cannot compute XOR
#   ("exactly one of two inputs is on"). Interest in neural networks fades.
# - **1974.** Paul Werbos describes back-propagation in his Harvard PhD thesis. For more than
#   a decade it stays on the margins.

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **1986.** Rumelhart, Hinton and Williams show back-propagation training hidden layers,
#   and the method spreads. A hidden layer trained this way solves XOR. In this course,
#   lessons 2 and 3 train single neurons first; XOR is the first problem solved *with a hidden
#   layer* (lesson 5's optional section, then lesson 6).

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **2006.** Hinton, Osindero and Teh train *deep belief networks* one layer at a time,
#   reviving interest in deep networks.
# - **2012.** AlexNet (Krizhevsky, Sutskever and Hinton), trained by back-propagation on GPUs,
#   wins the ImageNet image-classification challenge by a wide margin.
# - **2015.** LeCun, Bengio and Hinton review the field: "Deep learning", *Nature* 521, 436–444.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: is the brain doing back-propagation?
#
# Probably not in this form: it sends exact error values backward along the same connections,
# in a separate phase, which real neurons do not seem to do. As an engineering tool it has no
# serious rival, and chips are designed to run it faster.

# %% [markdown]
# ## Optional: further reading
#
# - Michael Nielsen, *Neural Networks and Deep Learning*, chapters 1–2 (free online).
# - Stanford CS231n, course notes on optimisation and back-propagation.
# - Andrej Karpathy, *micrograd* and its lecture "The spelled-out intro to neural networks".
# - Zhang, Lipton, Li and Smola, *Dive into Deep Learning* (d2l.ai).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Optional: the history, at the source
#
# - P. Werbos, *Beyond Regression*, PhD thesis, Harvard (1974).
# - D. Rumelhart, G. Hinton, R. Williams, "Learning representations by back-propagating
#   errors", *Nature* 323 (1986) 533–536.
# - M. Minsky, S. Papert, *Perceptrons* (1969).
# - Y. LeCun, Y. Bengio, G. Hinton, "Deep learning", *Nature* 521 (2015) 436–444.

# %% [markdown]
# ## Check your environment
#
# The cell below checks Python and each package the course needs against its minimum version.
# Every line should say `ok`; if one says `MISSING` or `TOO OLD`, run `python3 course.py lab`.

# %%
from course_lib.lessons.environment_check import environment_verdicts

print("\n".join(environment_verdicts()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The versions in use, and a live widget: **drag the slider**. If the text beside it follows, widgets work.

# %% tags=["nbval-ignore-output"]
import ipywidgets as widgets

from course_lib.lessons.environment_check import version_table

print(version_table())
slider = widgets.IntSlider(value=3, min=0, max=10, description="n")
echo = widgets.Label(value=f"n squared is {slider.value ** 2}")
slider.observe(lambda c: setattr(echo, "value", f"n squared is {c.new ** 2}"), names="value")
widgets.HBox([slider, echo])

# %% [markdown]
# ## Summary
#
# - The course builds back-propagation one idea per lesson, from a single neuron to a digit
#   classifier, and every number it prints is checked.
# - Use it alone (predict, run, try) or in a lecture (alt+r for slides); graded exercises
#   check themselves as you go.

# %% [markdown]
# ## Check your understanding
#
# 1. Which lesson introduces the loss, and which graded exercise goes with it?
#
# <details><summary>Answer</summary>
#
# Lesson 2, loss functions; its exercise is `exercises/ex02_losses.ipynb`.
#
# </details>
#
# 2. How do you turn a notebook into slides?
#
# <details><summary>Answer</summary>
#
# Press alt+r, or click the "Render as slides" button in the notebook toolbar (jupyterlab-rise).
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 3. You train models with a library such as PyTorch and want to know why a deep one stops
#    learning. Which lessons do you need?
#
# <details><summary>Answer</summary>
#
# Beyond lessons 1–3, the chain rule and backward pass (lessons 4–6), then activations and
# initialisation (lessons 7 and 8), where vanishing and exploding gradients are explained.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# 4. (Optional history.) What did Minsky and Papert show in 1969, and what answers it?
#
# <details><summary>Answer</summary>
#
# A single-layer perceptron cannot compute XOR (lesson 1 shows why). A network with a hidden
# layer, trained by back-propagation, can: lesson 6 trains one (and lesson 5's optional
# section).
#
# </details>

# %% [markdown]
# ## Exercise
#
# This lesson has none. The first is `exercises/ex01_neuron_and_layer.ipynb`, after
# lesson 1, **Neurons and the forward pass**: open that lesson next.
