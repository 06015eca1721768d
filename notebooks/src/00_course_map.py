# %% [markdown]
# # Course map
#
# Welcome to a course on **back-propagation**, the algorithm that trains neural networks. You
# will build a small network from numpy arrays, work out by hand how each weight should change,
# check every derivative numerically, and finish with a network that reads handwritten digits.
#
# **Learning objectives.** After this lesson you can
# - describe the route through the course and what each lesson adds;
# - choose how to use the course: alone, in a lecture, or with graded exercises;
# - confirm that your computer has everything the course needs.
#
# **Prerequisites.** Some Python (functions, loops, lists) and a first look at numpy arrays;
# school algebra. Derivatives help from lesson 03 on; the chain rule is revisited in lesson 04.
#
# **Estimated time.** 15 minutes.

# %% [markdown] slideshow={"slide_type": "notes"}
# Speaker notes: a ten-minute opener. Show the map, say who the course is for, run the
# environment check live so everyone knows their set-up works before lesson 01.

# %% [markdown]
# ## What the course teaches
#
# Back-propagation is many small ideas stacked together. Each one is simple; the whole can feel
# murky. So each lesson adds one idea, in small steps: a few sentences, a short piece of code,
# then a picture or printed numbers you can check. Sliders let you change the weights, the loss,
# the learning rate or the activation and watch what happens.

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every number the notebooks print is recomputed by an independent test, and every gradient
# is compared with a numerical estimate: when the course says a number, it is right.

# %% [markdown]
# ## The route
#
# Each station is a lesson; an orange one ends with a graded exercise. The list is read from
# the lesson files on disk, so new lessons appear here as they are added.

# %%
import matplotlib.pyplot as plt

from course_lib.drawing.course_map import draw_course_map
from course_lib.lessons.catalog import find_lessons, lesson_table

lessons = find_lessons()
print(lesson_table(lessons))

# %% slideshow={"slide_type": "subslide"}
draw_course_map(lessons)
plt.show()

# %% [markdown]
# ### How deep do you need to go?
#
# Decide what you need before you start:
#
# - **Using a library** (PyTorch, Keras): lessons 01–03 and the summaries give you the words
#   and the intuition: forward pass, loss, gradient descent.
# - **Maintaining a model**: add the chain rule, the full backward pass, activations and
#   initialisation, to diagnose a network that will not learn.
# - **Building one**: everything, including the sections marked **Optional:**, which go deeper.

# %% [markdown]
# ## Three ways to use the course
#
# ### Alone
#
# Run each notebook top to bottom (Shift+Enter runs a cell). When a cell says
# **Predict first**, write down your guess before running it; a wrong guess teaches most.
# Follow the **Try** suggestions: change a number, rerun, see what moves. Each lesson ends with
# questions whose answers are folded away until you click.

# %% [markdown]
# ### In a lecture
#
# Every notebook is also a slide deck. The course installs **jupyterlab-rise**: open a
# notebook and press **alt+r**, or click the **Render as slides** button in the notebook
# toolbar. Headings start slides, some paragraphs appear one step at a time, and cells marked
# as notes are hints for the speaker that stay off the slides. Code cells still run inside
# the slides, so you can change a value in front of the room. The sliders are the exception:
# jupyterlab-rise cannot show interactive widgets yet, so for a widget close the slides and
# show the notebook itself, with **View > Presentation Mode** for large type.

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each lesson opens with its time estimate; the lessons are written to fit one session each.

# %% [markdown]
# ### With graded exercises
#
# Most lessons end with a graded exercise in `exercises/` (see the map). You fill in the marked
# cells; **self-check** cells right after them tell you at once whether your shapes and numbers
# are right, and what to look at if not.
#
# The autograder scores a finished notebook. It runs your answers in a fresh kernel and checks
# them against hidden tests:
#
# ```
# course-grade SUBMISSION.ipynb --results results.json
# ```
#
# It prints a table of points per part and writes `results.json` (the format Gradescope reads).
# Instructors who prefer **nbgrader** can use the solution notebooks in `solutions/`: their
# cells carry nbgrader's metadata, hidden tests included, so they fit its usual workflow.

# %% [markdown]
# ## A short history
#
# The ideas in this course are older than most of the people who use them.

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **1969.** Minsky and Papert prove that a single-layer perceptron cannot compute XOR
#   ("exactly one of two inputs is on"). Interest in neural networks fades.
# - **1974.** Paul Werbos describes back-propagation in his Harvard PhD thesis. For a decade
#   it stays on the margins.

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **1986.** Rumelhart, Hinton and Williams show back-propagation training hidden layers that
#   learn useful internal representations, and the method spreads. A hidden layer trained this
#   way solves XOR: it is the first network this course trains.

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **2006.** Hinton, Osindero and Teh train *deep belief networks* one layer at a time,
#   reviving interest in deep networks.
# - **2012.** AlexNet (Krizhevsky, Sutskever and Hinton), trained by back-propagation on GPUs,
#   wins the ImageNet image-classification challenge by a wide margin.
# - **2015.** LeCun, Bengio and Hinton review the field: "Deep learning", *Nature* 521, 436–444.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Is the brain doing back-propagation?
#
# Probably not in this form, and the algorithm has critics as a model of how brains learn:
# it sends exact error values backward along the same connections, in a separate phase, which
# real neurons do not seem to do. As an engineering tool it has no serious rival: nearly every
# network you have heard of was trained by it, and chips are designed to run it faster.

# %% [markdown]
# ## Check your environment
#
# The cell below checks Python and each package the course needs against its minimum version.
# Every line should say `ok`; if one says `MISSING` or `TOO OLD`, install or upgrade that package
# (`python3 course.py lab` sets everything up for you).

# %%
from course_lib.lessons.environment_check import environment_verdicts

print("\n".join(environment_verdicts()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The versions in use, and a live widget. **Drag the slider**: if the text beside it follows,
# interactive widgets work in your JupyterLab, and the widget lessons will too.

# %% tags=["nbval-ignore-output"]
import ipywidgets as widgets

from course_lib.lessons.environment_check import version_table

print(version_table())
slider = widgets.IntSlider(value=3, min=0, max=10, description="n")
echo = widgets.Label()
slider.observe(lambda change: setattr(echo, "value", f"n squared is {change['new'] ** 2}"), names="value")
echo.value = f"n squared is {slider.value ** 2}"
widgets.HBox([slider, echo])

# %% [markdown]
# ## Summary
#
# - The course builds back-propagation one idea per lesson, from a single neuron to a digit
#   classifier, and every number it prints is checked.
# - Use it alone (predict, run, try), in a lecture (alt+r for slides), or with graded
#   exercises (self-checks in the notebook, `course-grade` or nbgrader for scores).
# - The algorithm dates from the 1970s and 1980s and has trained almost every deep network since.

# %% [markdown]
# ## Check your understanding
#
# 1. Which lesson introduces the loss, and which graded exercise goes with it?
#
# <details><summary>Answer</summary>
#
# Lesson 02, loss functions; its exercise is `exercises/ex02_losses.ipynb`.
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
#
# 3. What did Minsky and Papert show in 1969, and what answers it?
#
# <details><summary>Answer</summary>
#
# A single-layer perceptron cannot compute XOR. A network with a hidden layer, trained by
# back-propagation, can.
#
# </details>

# %% [markdown]
# ## Your graded exercise
#
# This lesson has none. The first is `exercises/ex01_neuron_and_layer.ipynb`, after
# **01 Neurons and the forward pass**: open that lesson next.
