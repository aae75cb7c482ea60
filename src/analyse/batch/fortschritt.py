"""Fortschrittsbalken (rich) und die Zusammenfassung am Ende."""

from __future__ import annotations

from analyse.batch.auftrag import Zusammenfassung


class Fortschritt:
    """Balken mit Anzahl und geschätzter Restzeit; ohne ``aktiv`` tut er nichts."""

    def __init__(self, gesamt: int, *, aktiv: bool = True, console=None) -> None:
        self._fortschritt = None
        self._aufgabe = None
        if aktiv and gesamt:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._fortschritt = Progress(
                TextColumn("[bold]Berichte[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("·"),
                TimeElapsedColumn(),
                TextColumn("· Rest"),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=console or Console(stderr=True),
                transient=False,
            )
            self._aufgabe = self._fortschritt.add_task("", total=gesamt)

    def __enter__(self) -> Fortschritt:
        if self._fortschritt is not None:
            self._fortschritt.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._fortschritt is not None:
            self._fortschritt.stop()

    def weiter(self, name: str, ok: bool) -> None:
        if self._fortschritt is not None:
            zeichen = "[green]✓[/]" if ok else "[red]✗[/]"
            self._fortschritt.update(self._aufgabe, advance=1, description=f"{zeichen} {name}")


def zusammenfassung_drucken(z: Zusammenfassung, console=None) -> None:
    """Kurzer Bericht für die CLI: Zahlen, dann jede fehlgeschlagene Kommune mit Fehler."""
    from rich.console import Console
    from rich.markup import escape

    console = console or Console(stderr=True)
    console.print(
        f"{len(z.erstellt)} erstellt, {len(z.uebersprungen)} unverändert übersprungen, "
        f"{len(z.fehlgeschlagen)} fehlgeschlagen ({z.sekunden:.1f} s)"
    )
    if z.pdf_sekunden:
        zeiten = sorted(z.pdf_sekunden.values())
        mitte = zeiten[len(zeiten) // 2]
        console.print(f"{len(zeiten)} PDF gedruckt (je Bericht {mitte:.2f} s im Median, "
                      f"{zeiten[0]:.2f}–{zeiten[-1]:.2f} s)")
    for name, fehler in z.fehlgeschlagen.items():
        console.print(f"  [red]✗ {escape(name)}[/]: {escape(fehler)}")
