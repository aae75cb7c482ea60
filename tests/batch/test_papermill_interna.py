"""Die warme Engine (``batch/engine.py``) und der Worker (``batch/worker.py``) lehnen sich an
Interna von papermill und nbclient an. ``pyproject.toml`` begrenzt beide nach oben; dieser
Test scheitert laut, wenn sich eine der benutzten Stellen ändert (Signatur, Attribut, Ablauf),
damit ein Heben der Obergrenze nicht still die Engine bricht.

Schnell und ohne Kernel: geprüft wird die Form, das Verhalten prüfen ``test_batch_engine.py``
und ``test_batch_lauf.py``.
"""

from __future__ import annotations

import inspect
from importlib.metadata import entry_points

import nbclient
import nbformat
import papermill
import pytest
from jupyter_client import KernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill import execute, iorw, parameterize, utils
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, NotebookExecutionManager, PapermillEngines
from papermill.exceptions import PapermillExecutionError
from papermill.log import logger

from analyse.batch.engine import WarmKernelEngine


def _parameter(f) -> list[str]:
    return list(inspect.signature(f).parameters)


def _ist_classmethod(klasse, name: str) -> bool:
    return isinstance(inspect.getattr_static(klasse, name), classmethod)


def test_engine_basis_wie_erwartet():
    """WarmKernelEngine leiht sich execute_notebook (über ``__func__``), nb_kernel_name und
    nb_language von ``Engine``; execute_notebook ruft execute_managed_notebook der Klasse."""
    for name in ("execute_notebook", "nb_kernel_name", "nb_language", "execute_managed_notebook"):
        assert _ist_classmethod(Engine, name), name
        assert _ist_classmethod(WarmKernelEngine, name), name
    assert _parameter(Engine.execute_notebook) == [
        "nb", "kernel_name", "output_path", "progress_bar", "log_output", "autosave_cell_every",
        "kwargs"]
    assert _parameter(Engine.nb_kernel_name) == ["nb", "name"]
    assert _parameter(Engine.nb_language) == ["nb", "language"]
    quelltext = inspect.getsource(Engine.execute_notebook)
    assert "NotebookExecutionManager(" in quelltext
    assert "cls.execute_managed_notebook(nb_man, kernel_name" in quelltext


def test_client_mit_fremdem_kernel_raeumt_nicht_ab():
    """Die Engine übergibt km und setzt kc: nbclient startet dann nichts und räumt nichts ab."""
    assert issubclass(PapermillNotebookClient, nbclient.NotebookClient)
    assert _parameter(PapermillNotebookClient.__init__)[:3] == ["self", "nb_man", "km"]
    nb = nbformat.v4.new_notebook()
    client = PapermillNotebookClient(NotebookExecutionManager(nb), km=KernelManager())
    assert client.owns_km is False and client.kc is None
    client.kc = object()  # die Engine setzt den Client des warmen Kernels
    assert client.kc is not None
    aufbau = inspect.getsource(nbclient.NotebookClient.async_setup_kernel)
    assert 'kwargs.pop("cleanup_kc", self.owns_km)' in aufbau
    assert "if not self.km.has_kernel:" in aufbau and "if self.kc is None:" in aufbau
    assert "with self.setup_kernel(" in inspect.getsource(PapermillNotebookClient.execute)


def test_hilfsfunktionen_der_engine_und_des_workers():
    assert _parameter(utils.merge_kwargs) == ["caller_args", "callee_args"]
    assert _parameter(utils.remove_args) == ["args", "kwargs"]
    assert utils.remove_args(["timeout"], timeout=1, a=2) == {"a": 2}
    assert utils.merge_kwargs({"a": 1}, b=2) == {"a": 1, "b": 2}
    assert logger.name == "papermill"
    assert _parameter(iorw.load_notebook_node) == ["notebook_path"]
    assert _parameter(execute.prepare_notebook_metadata)[:3] == ["nb", "input_path",
                                                                  "output_path"]
    assert _parameter(execute.raise_for_execution_errors) == ["nb", "output_path"]
    assert _parameter(execute.remove_error_markers) == ["nb"]
    p = _parameter(parameterize.parameterize_notebook)
    assert p[:2] == ["nb", "parameters"]
    assert {"kernel_name", "language", "engine_name"} <= set(p)
    assert _parameter(PapermillExecutionError.__init__) == [
        "self", "cell_index", "exec_count", "source", "ename", "evalue", "traceback"]
    assert issubclass(CellTimeoutError, Exception) and issubclass(DeadKernelError, Exception)


def test_fehler_stehen_in_den_metadaten(tmp_path):
    """Der Weg des Workers: laden, parametrisieren, Metadaten; die Engine erkennt ein
    fehlgeschlagenes Notebook an metadata.papermill.exception."""
    zellen = [nbformat.v4.new_code_cell("a = 0", metadata={"tags": ["parameters"]}),
              nbformat.v4.new_code_cell("1/0")]
    nbformat.write(nbformat.v4.new_notebook(cells=zellen), tmp_path / "ein.ipynb")
    nb = iorw.load_notebook_node(str(tmp_path / "ein.ipynb"))
    nb = parameterize.parameterize_notebook(nb, {"a": 1}, kernel_name="python3",
                                            language="python", engine_name="warm")
    assert nb.metadata["papermill"]["parameters"] == {"a": 1}
    nb = execute.prepare_notebook_metadata(nb, "ein.ipynb", "aus.ipynb")
    man = NotebookExecutionManager(nb)
    man.notebook_start()
    zelle = man.nb.cells[-1]
    man.cell_start(zelle, len(man.nb.cells) - 1)
    man.cell_exception(zelle, len(man.nb.cells) - 1)
    assert man.nb.metadata["papermill"]["exception"] is True
    assert man.nb.metadata["papermill"]["input_path"] == "ein.ipynb"


def test_engine_als_entry_point_registriert():
    assert "papermill.engine" in inspect.getsource(PapermillEngines.register_entry_points)
    warm = [e for e in entry_points(group="papermill.engine") if e.name == "warm"]
    if not warm:
        pytest.skip("Paket nicht installiert (nur PYTHONPATH): Entry-Point fehlt")
    assert warm[0].value == "analyse.batch.engine:WarmKernelEngine"


def test_papermill_version_in_der_obergrenze():
    """Wer die Obergrenze hebt, prüft diese Datei; eine neuere Version fällt hier auf."""
    haupt, neben = (int(t) for t in papermill.__version__.split(".")[:2])
    assert (2, 6) <= (haupt, neben) < (2, 8)
    haupt, neben = (int(t) for t in nbclient.__version__.split(".")[:2])
    assert (0, 10) <= (haupt, neben) < (0, 12)
