"""CLI commands of the index stage: `factcheck index`, `factcheck search`, `factcheck info`."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List, Optional

import typer

from factcheck.cli.choices import SearchMode
from factcheck.cli.common import ALLOW_PRIVATE_HELP, OFFLINE_HELP, PRECISION_OPT, app, echo_json, guarded
from factcheck.quantized import Precision

__all__ = ["index", "search", "info"]

_INDEX_HELP = "Index folder (default: $FACTCHECK_INDEX, else .factcheck/index)."
RAY_HELP = "Run on Ray (the optional ray extra): a new local instance, or the cluster in --ray-address / $RAY_ADDRESS."
RAY_ADDRESS_HELP = "Ray cluster to join (e.g. auto, ray://head:10001); implies --ray."


@app.command()
@guarded
def index(
    paths: Optional[List[str]] = typer.Argument(
        None, help="Corpus files or folders (.txt, .md, .html, .jsonl, .pdf, .docx) and http(s) addresses.", show_default=False
    ),
    urls: Optional[Path] = typer.Option(None, "--urls", help="A file of http(s) addresses to index, one per line (# comments)."),
    offline: bool = typer.Option(False, "--offline", help=OFFLINE_HELP),
    allow_private_urls: bool = typer.Option(False, "--allow-private-urls", help=ALLOW_PRIVATE_HELP),
    index_dir: Optional[Path] = typer.Option(None, "--index", help=_INDEX_HELP),
    embedder: Optional[str] = typer.Option(
        None, "--embedder", help="sentence-transformers model name or path (default: the index's, else all-MiniLM-L6-v2)."
    ),
    faiss: Optional[str] = typer.Option(
        None, "--faiss", help=(
            "FAISS index: auto (exact, IVF past 50k, IVF-SQ8 past 500k passages), flat, hnsw, ivf, ivf-sq8, "
            "or a faiss index_factory string."
        ),
    ),
    ray: bool = typer.Option(False, "--ray", help=RAY_HELP),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help=RAY_ADDRESS_HELP),
    ray_actors: Optional[int] = typer.Option(None, "--ray-actors", min=1, help="Ray embedder actors (default: one per CPU)."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Index (or re-index) a reference corpus of files, folders and web pages: only new or changed documents are embedded."""
    import warnings

    from factcheck.index import build_index
    from factcheck.readers.addresses import allow_private_addresses

    paths = _corpus_paths(paths or [], urls, offline)
    with warnings.catch_warnings(record=True) as caught, allow_private_addresses(allow_private_urls):
        warnings.simplefilter("always", UserWarning)
        if ray or ray_address:  # scale out: embed on Ray actors, merge the shards into the same index
            from factcheck.scale import build_index_ray

            stats = build_index_ray(
                paths, index_dir, embedder=embedder, faiss=faiss, address=ray_address, actors=ray_actors,
                progress=not as_json,
            )
        else:
            stats = build_index(paths, index_dir, embedder=embedder, faiss=faiss, progress=not as_json)
    for warning in caught:
        if issubclass(warning.category, UserWarning):
            typer.echo(f"warning: {warning.message}", err=True)
    for path, reason in stats.skipped:
        typer.echo(f"warning: skipped {reason}", err=True)
    if as_json:
        echo_json(stats.to_dict())
        return
    typer.echo(
        f"indexed {stats.documents} documents ({stats.passages} passages, {stats.embedded} embedded) into "
        f"{stats.index}: {stats.added} added, {stats.updated} updated, {stats.removed} removed, "
        f"{stats.unchanged} unchanged, {stats.duplicates} duplicates, {len(stats.skipped)} skipped "
        f"[{stats.faiss}, {stats.seconds:.1f} s]"
    )


def _corpus_paths(paths: List[str], urls: Optional[Path], offline: bool) -> List[str]:
    """The command line's paths and addresses plus those of --urls; with --offline, any address is refused."""
    from factcheck.errors import InputError
    from factcheck.readers.web import is_url, read_url_list

    every = list(paths) + (read_url_list(urls) if urls is not None else [])
    if not every:
        raise InputError("nothing to index; pass files, folders or URLs, or --urls FILE")
    remote = [p for p in every if is_url(p)]
    if offline and remote:
        raise InputError(f"{remote[0]}: not fetched because --offline is set ({len(remote)} address(es)); drop --offline or pass saved files")
    return every


@app.command()
@guarded
def search(
    query: str = typer.Argument(..., help="What to search for."),
    k: int = typer.Option(5, "-k", "--top", min=1, max=1000, help="Number of passages to show."),
    index_dir: Optional[Path] = typer.Option(None, "--index", help=_INDEX_HELP),
    mode: SearchMode = typer.Option(SearchMode.hybrid, "--mode", help="hybrid (dense + BM25, fused), dense or bm25."),
    embedder: Optional[str] = typer.Option(None, "--embedder", help="Must match the index's embedder."),
    nprobe: Optional[int] = typer.Option(
        None, "--nprobe", min=1, help="IVF indexes: lists probed per query (default: the index's; more = slower, exacter)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON."),
    precision: Precision = PRECISION_OPT,
) -> None:
    """Search the indexed corpus and print the best passages."""
    from factcheck.records import to_dict
    from factcheck.retrieve import Retriever
    from factcheck.settings import limit_threads

    if mode != "bm25":  # BM25 alone never loads torch
        limit_threads()
    with Retriever(index_dir, mode=mode.value, embedder=embedder, nprobe=nprobe) as retriever:
        hits = retriever.search(query, k)
    if as_json:
        echo_json([to_dict(hit) for hit in hits])
        return
    if not hits:
        typer.echo("no matching passages")
    for hit in hits:
        scores = ", ".join(f"{name} {value:.3f}" for name, value in hit.scores.items())
        page = f", p. {hit.passage.page}" if hit.passage.page is not None else ""
        section = f", § {hit.passage.section}" if hit.passage.section else ""
        where = f"{hit.source}{page}{section} [{hit.passage.start}:{hit.passage.end}]"
        typer.echo(f"{hit.rank}. {hit.title or hit.passage.doc_id}  ({scores})\n   {where}")
        body = " ".join(hit.passage.text.split())
        typer.echo(textwrap.indent(textwrap.fill(body, width=96), "   ") + "\n")


@app.command()
@guarded
def info(
    index_dir: Optional[Path] = typer.Option(None, "--index", help=_INDEX_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """Show what an index holds: counts, embedder, FAISS type, sources and times."""
    from factcheck.embed import embedder_installed
    from factcheck.index import open_index

    with open_index(index_dir) as opened:
        data = {**opened.info(), "embedder_installed": embedder_installed(opened.embedder_name)}
        if not data["embedder_installed"]:
            typer.echo(f"warning: {opened.embedder_warning()}; search and check will fail with exit 4", err=True)
    if as_json:
        echo_json(data)
        return
    counts = data["counts"]
    faiss = data["faiss"]
    lines = [
        ("index", data["path"]),
        ("documents", counts["documents"]),
        ("passages", counts["passages"]),
        ("skipped files", counts.get("skipped", 0)),
        ("embedder", f"{data['embedder']} (dim {data['dim']}, {data['normalization']}, {data['metric']})"),
        ("faiss", f"{faiss['type']} ({faiss['factory']}{', ' + str(faiss['params']) if faiss['params'] else ''})"),
        ("sources", ", ".join(data.get("sources", []))),
        ("created", data.get("created")),
        ("updated", data.get("updated")),
        ("schema", f"v{data['schema_version']}, factcheck {data.get('factcheck_version')}"),
    ]
    for name, value in lines:
        typer.echo(f"{name + ':':<15}{value}")
