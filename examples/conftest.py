"""Keep TensorFlow's C++ start-up logging out of the test output."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
