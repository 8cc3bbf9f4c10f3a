"""Free-text search over a case's facts and requests, on SQLite (FTS5) and PostgreSQL (tsvector).

Chinese has no spaces between words, so a tokenizer that splits on spaces would index a whole
sentence as one token and a search for a two-character word such as 工资 would find nothing. We
tokenise in Python with :func:`reception.text.bigrams` (every overlapping pair of CJK characters,
plus ASCII words) and hand the database space-separated tokens; a query becomes a phrase of its
bigrams, which must appear consecutively. A one-character CJK query cannot be answered from
bigrams, so it falls back to a scan of the stored documents (slow but never silently empty).
"""

from __future__ import annotations

from sqlalchemy import Integer, and_, column, select, text
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


def split_query(query: str) -> tuple[list[list[str]], list[str]]:
    """The query's phrases the index can answer, and its one-character Han words (which it cannot)."""
    phrases = [p for p in query_bigrams(query) if p]
    indexable = [p for p in phrases if not (len(p) == 1 and len(p[0]) == 1 and not p[0].isascii())]
    single_chars = [p[0] for p in phrases if p not in indexable]
    return indexable, single_chars


def match_sql(dialect: str, indexable: list[list[str]]) -> tuple[str, dict]:
    """``SELECT case_id ...`` of the cases whose index holds every phrase (no order, no limit), and its
    parameters. The caller orders and limits it, or uses it as a subquery."""
    if dialect == "sqlite":
        match = " AND ".join(_fts_phrase(p) for p in indexable)
        return "SELECT rowid AS case_id FROM case_fts WHERE case_fts MATCH :m", {"m": match}
    tsq = " & ".join("(" + " <-> ".join(_pg_lexeme(t) for t in p) + ")" for p in indexable)
    return "SELECT case_id FROM case_search WHERE grams @@ to_tsquery('simple', :q)", {"q": tsq}


def search_text(session: Session, query: str, limit: int = 200) -> list[int]:
    """Case ids whose facts or requests contain every word of ``query``, newest first."""
    indexable, single_chars = split_query(query)
    if not indexable and not single_chars:
        return []
    dialect = session.get_bind().dialect.name
    if indexable:
        sql, params = match_sql(dialect, indexable)
        fetch = limit if not single_chars else limit * 20
        ids = [r[0] for r in session.execute(text(sql + " ORDER BY case_id DESC LIMIT :n"), {**params, "n": fetch})]
        if not single_chars:
            return ids
        return _filter_chars(session, ids, single_chars)[:limit]
    return _scan_chars(session, single_chars, limit)


def text_condition(dialect: str, query: str, *, id_column=None):
    """A WHERE condition on ``cases`` for the words of ``query`` (the case list's unbounded form of
    :func:`search_text`), or ``None`` when the query has no words. Indexed phrases become a subquery of
    the index; one-character Han words are looked for in the facts and requests in SQL, like
    :func:`document_text` (a scan of the rows the other conditions leave). ``id_column`` stands for
    ``cases.id`` (the case list passes it wrapped to steer SQLite's plan)."""
    indexable, single_chars = split_query(query)
    conds = []
    if indexable:
        sql, params = match_sql(dialect, indexable)
        ids = Case.id if id_column is None else id_column
        conds.append(ids.in_(text(sql).bindparams(**params).columns(column("case_id", Integer))))
    for i, ch in enumerate(single_chars):
        conds.append(_contains_char(dialect, ch, f"ch{i}"))
    return and_(*conds) if conds else None


def _contains_char(dialect: str, ch: str, name: str):
    """The facts or one of the requests contain ``ch`` (same text as :func:`document_text`)."""
    if dialect == "sqlite":
        sql = (
            f"(instr(coalesce(json_extract(cases.document, '$.facts'), ''), :{name}) > 0 OR EXISTS "
            f"(SELECT 1 FROM json_each(cases.document, '$.requests') AS r WHERE instr(r.value, :{name}) > 0))"
        )
    else:
        sql = (
            f"(strpos(coalesce(cases.document ->> 'facts', ''), :{name}) > 0 OR EXISTS "
            f"(SELECT 1 FROM json_array_elements_text(cases.document -> 'requests') AS r(v) "
            f"WHERE strpos(r.v, :{name}) > 0))"
        )
    return text(sql).bindparams(**{name: ch})


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
