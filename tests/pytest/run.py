"""run.py TEST_FILE [pytest args] -- run one pytest file for ctest.

Exit 77 (ctest: skipped) when pytest is missing or when every test of the
file was skipped (torch missing, say): a file whose tests did not run is
reported skipped, never passed.  Otherwise pytest's own exit status."""
import sys

try:
    import pytest
except ImportError:
    print("SKIP: pytest is not installed (Debian: python3-pytest)")
    sys.exit(77)


class Outcomes:
    def __init__(self):
        self.passed = self.skipped = self.failed = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.passed:
            self.passed += 1
        elif report.skipped:
            self.skipped += 1
        elif report.failed:
            self.failed += 1


o = Outcomes()
rc = pytest.main(["-q", "-rs", "-p", "no:cacheprovider", *sys.argv[1:]], plugins=[o])
if rc == 0 and o.passed == 0 and o.skipped > 0:
    print("SKIP: every test of %s was skipped" % sys.argv[1])
    sys.exit(77)
sys.exit(int(rc))
