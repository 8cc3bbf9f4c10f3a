"""Free-text search over a case's facts and requests, on SQLite (FTS5) and PostgreSQL (tsvector).

Chinese has no spaces between words, so a tokenizer that splits on spaces would index a whole
sentence as one token and a search for a two-character word such as 工资 would find nothing. We
tokenise in Python with :func:`reception.text.bigrams` (every overlapping pair of CJK characters,
plus ASCII words) and hand the database space-separated tokens; a query becomes a phrase of its
bigrams, which must appear consecutively. A one-character CJK query cannot be answered from
bigrams, so it falls back to a scan of the stored documents (slow but never silently empty).
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from reception.storage.models import Case
from reception.text import bigrams, query_bigrams


def document_text(document: dict) -> str:
    parts = [document.get("facts") or ""]
    parts += list(document.get("requests") or [])
    return "\n".join(parts)


def document_grams(document: dict) -> str:
    return " ".join(bigrams(document_text(document)))


def index_case(session: Session, case_id: int, document: dict) -> None:
    grams = document_grams(document)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO case_fts(rowid, grams) VALUES (:id, :g)"), {"id": case_id, "g": grams})
    else:
        session.execute(
            text("INSERT INTO case_search(case_id, grams) VALUES (:id, to_tsvector('simple', :g))"),
            {"id": case_id, "g": grams},
        )


def unindex_case(session: Session, case_id: int, old_document: dict) -> None:
    """Remove a case from the index (before re-indexing an edited case)."""
    if session.get_bind().dialect.name == "sqlite":
        # contentless FTS5: a delete must repeat the indexed values, which we derive again
        session.execute(
            text("INSERT INTO case_fts(case_fts, rowid, grams) VALUES ('delete', :id, :g)"),
            {"id": case_id, "g": document_grams(old_document)},
        )
    else:
        session.execute(text("DELETE FROM case_search WHERE case_id = :id"), {"id": case_id})


def _fts_phrase(tokens: list[str]) -> str:
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'


def search_text(session: Session, query: str, limit: int = 200) -> list[int]:
    """Case ids whose facts or requests contain every word of ``query``, newest first."""
    phrases = [p for p in query_bigrams(query) if p]
    if not phrases:
        return []
    indexable = [p for p in phrases if not (len(p) == 1 and len(p[0]) == 1 and not p[0].isascii())]
    single_chars = [p[0] for p in phrases if p not in indexable]
    dialect = session.get_bind().dialect.name
    if indexable:
        if dialect == "sqlite":
            match = " AND ".join(_fts_phrase(p) for p in indexable)
            fetch = limit if not single_chars else limit * 20
            ids = [
                r[0]
                for r in session.execute(
                    text("SELECT rowid FROM case_fts WHERE case_fts MATCH :m ORDER BY rowid DESC LIMIT :n"),
                    {"m": match, "n": fetch},
                )
            ]
        else:
            tsq = " & ".join("(" + " <-> ".join(_pg_lexeme(t) for t in p) + ")" for p in indexable)
            fetch = limit if not single_chars else limit * 20
            ids = [
                r[0]
                for r in session.execute(
                    text(
                        "SELECT case_id FROM case_search WHERE grams @@ to_tsquery('simple', :q) "
                        "ORDER BY case_id DESC LIMIT :n"
                    ),
                    {"q": tsq, "n": fetch},
                )
            ]
        if not single_chars:
            return ids
        return _filter_chars(session, ids, single_chars)[:limit]
    return _scan_chars(session, single_chars, limit)


def _pg_lexeme(token: str) -> str:
    return "'" + token.replace("'", "''").replace("\\", "\\\\") + "'"


def _filter_chars(session: Session, ids: list[int], chars: list[str]) -> list[int]:
    if not ids:
        return []
    rows = session.execute(select(Case.id, Case.document).where(Case.id.in_(ids))).all()
    keep = {cid for cid, doc in rows if all(c in document_text(doc) for c in chars)}
    return [i for i in ids if i in keep]


def _scan_chars(session: Session, chars: list[str], limit: int) -> list[int]:
    """One-character queries: scan newest first, in batches, until ``limit`` matches."""
    out: list[int] = []
    last_id = None
    batch = 5000
    while len(out) < limit:
        stmt = select(Case.id, Case.document).order_by(Case.id.desc()).limit(batch)
        if last_id is not None:
            stmt = stmt.where(Case.id < last_id)
        rows = session.execute(stmt).all()
        if not rows:
            break
        for cid, doc in rows:
            if all(c in document_text(doc) for c in chars):
                out.append(cid)
                if len(out) >= limit:
                    break
        last_id = rows[-1][0]
    return out
