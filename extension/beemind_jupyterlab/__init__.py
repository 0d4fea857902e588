"""BeeMind for JupyterLab: the prebuilt labextension (lineage, importance and comparison panels).

`pip install .` at the repository root installs the labextension as data files; the kernelspec comes from the
npm package (`npx beemind-kernel install --sys-prefix`). This module only tells `jupyter labextension develop`
where the built extension lives.
"""

__version__ = "0.1.0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "beemind-jupyterlab"}]
