"""rabbit exam: a mock E資格 in the terminal.

draw: which items, in which order (weighted by syllabus chapter); sitting: taking the exam under
a clock, with flags and moves, every answer stored as it is given; result: the score overall, by
result area and by chapter beside the published averages. The command (quiz.commands.exam_cmds)
and the terminal view (quiz.exam.view) only parse, call and render.
"""
