"""The test module `ketentest run` hands to pytest: one test per scenario of the feature
files named in KETENTEST_FEATURES (paths separated by os.pathsep)."""
import os

from pytest_bdd import scenarios

scenarios(*os.environ["KETENTEST_FEATURES"].split(os.pathsep))
