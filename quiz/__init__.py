"""rabbit: E資格 Day3 quizzes and NumPy exercises, graded by value."""

__version__ = "0.1.0"
