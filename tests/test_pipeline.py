"""Pipeline: Pfade und Wahl der Berichtsvorlagen (``--vorlagen``)."""

import pytest

from analyse import namen, pipeline
from analyse.ressourcen import berichtsvorlage


def test_ohne_eigene_vorlagen_die_des_pakets(tmp_path):
    pfade = pipeline.Pfade(tmp_path)
    pfade.vorlagen_pruefen()
    assert pfade.vorlage(namen.VORLAGE_KOMMUNE) == berichtsvorlage(namen.VORLAGE_KOMMUNE)
    assert pfade.vorlage(namen.VORLAGE_KOMMUNE).is_file()


def test_eigene_vorlage_ersetzt_nur_die_vorhandene(tmp_path):
    eigene = tmp_path / "vorlagen"
    eigene.mkdir()
    (eigene / namen.VORLAGE_KOMMUNE).write_text("{}", encoding="utf-8")
    pfade = pipeline.Pfade(tmp_path, vorlagen=eigene)
    pfade.vorlagen_pruefen()
    assert pfade.vorlage(namen.VORLAGE_KOMMUNE) == (eigene / namen.VORLAGE_KOMMUNE).resolve()
    assert pfade.vorlage(namen.VORLAGE_ABSCHLUSS) == berichtsvorlage(namen.VORLAGE_ABSCHLUSS)


@pytest.mark.parametrize("anlegen", [False, True])
def test_vorlagenordner_ohne_vorlage_wird_abgelehnt(tmp_path, anlegen):
    ordner = tmp_path / "leer"
    if anlegen:
        ordner.mkdir()
        (ordner / "bericht.ipynb").write_text("{}", encoding="utf-8")  # falscher Name
    with pytest.raises(FileNotFoundError, match="Keine Berichtsvorlage in .*bericht_kommune"):
        pipeline.Pfade(tmp_path, vorlagen=ordner).vorlagen_pruefen()
