"""pytest fixtures of the kernel tests (the harness itself is kernel_harness.py)."""
import pytest

from kernel_harness import start_kernel, stop_kernel


@pytest.fixture(scope="module")
def kernel():
    """One BeeMind kernel per test module, started in the repository root."""
    k = start_kernel()
    yield k
    stop_kernel(k)
