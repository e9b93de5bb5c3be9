"""Writing tables to disk (Parquet, CSV): the only place the library writes data files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """Tuples of ids become ';'-joined strings so that CSV and Parquet both take them."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object and out[name].map(lambda v: isinstance(v, tuple)).any():
            out[name] = out[name].map(_joined).astype("string")
    return out


def _joined(value: object) -> object:
    """('PRK', 'MNG') → 'PRK;MNG'; (('d-1', 3), ('d-1', 9)) → 'd-1#3;d-1#9'."""
    if not isinstance(value, tuple):
        return value
    return ";".join("#".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in value)


def write_tables(tables: dict[str, pd.DataFrame], directory: Path, *, fmt: str) -> list[Path]:
    """Write each table to ``directory/<name>.<fmt>``; return the written paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = directory / f"{name}.{fmt}"
        flat = _flatten(frame)
        if fmt == "parquet":
            flat.to_parquet(path, index=False)
        elif fmt == "csv":
            flat.to_csv(path, index=False)
        else:
            raise ValueError(f"unknown format {fmt!r}; use 'parquet' or 'csv'")
        written.append(path)
    return written
